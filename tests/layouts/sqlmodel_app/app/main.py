from fastapi import FastAPI
from sqlalchemy import text
from sqlmodel import Field, Session, SQLModel, create_engine, select

engine = create_engine("postgresql+psycopg://user:password@postgres/conduit")
app = FastAPI()


class Tag(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str


@app.get("/api/tags")
def tags() -> dict:
    with Session(engine) as session:
        names = [t.name for t in session.exec(select(Tag))]
        total = session.exec(text("SELECT count(*) FROM tag")).one()
    return {"tags": names, "total": total}
