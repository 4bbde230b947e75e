from sqlalchemy.orm import Session


class TagRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
