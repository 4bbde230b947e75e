"""Article use cases."""
from ..repos import articles as repo


def list_articles():
    return repo.all_articles()
