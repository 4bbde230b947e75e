"""The tag cloud."""

from app.repositories import articles as article_repo


def all_tags() -> list[str]:
    return article_repo.tag_names_in_use()
