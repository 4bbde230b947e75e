import { findArticles } from '../data/articles';

export async function listArticles(): Promise<unknown[]> {
  return findArticles();
}
