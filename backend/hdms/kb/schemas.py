"""Input and output of the knowledge base's API (DESIGN §11)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool

from hdms.core.pagination import PageParams
from hdms.core.text import VisibleLine, visible_line_field

Status = Literal["draft", "published"]
BODY_MAX = 100_000


class ArticleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title_en: VisibleLine = visible_line_field(..., max_length=200)
    title_ur: str = Field("", max_length=200)
    body_en: str = Field(..., min_length=1, max_length=BODY_MAX, description="Rich text (HTML), sanitised.")
    body_ur: str = Field("", max_length=BODY_MAX, description="Rich text (HTML), sanitised.")
    keywords: str = Field("", max_length=300, description="Other words people search with (e.g. Roman Urdu).")
    department_id: UUID | None = Field(None, description="None: the whole desk's article (admins only).")
    status: Status = "draft"


class ArticlePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title_en: VisibleLine | None = visible_line_field(None, max_length=200)
    title_ur: str | None = Field(None, max_length=200)
    body_en: str | None = Field(None, min_length=1, max_length=BODY_MAX)
    body_ur: str | None = Field(None, max_length=BODY_MAX)
    keywords: str | None = Field(None, max_length=300)
    department_id: UUID | None = None
    status: Status | None = None
    version: int | None = Field(None, ge=1, le=2_147_483_647)


class ArticleMyFeedbackOut(Schema):
    helpful: bool
    solved: bool


class ArticleOut(Schema):
    id: UUID
    title_en: str
    title_ur: str
    body_en: str
    body_ur: str
    keywords: str
    department_id: UUID | None
    status: Status
    helpful: int
    not_helpful: int
    solved: int = Field(..., description="Readers for whom it solved the problem they were about to file.")
    version: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    editable: bool = Field(..., description="Whether the caller may change, publish or delete it.")
    accepts_feedback: bool = Field(..., description='Whether "did this help?" is asked (published articles).')
    my_feedback: ArticleMyFeedbackOut | None


class ArticleListParams(PageParams):
    q: str = Field("", max_length=200, description="Words in English, Urdu or Roman Urdu; every word must match.")
    department_id: UUID | None = None
    status: Status | None = None


class ArticlePageOut(Schema):
    items: list[ArticleOut]
    count: int
    next: str | None
    # The departments the caller may write articles for (empty: none); the web app's editor offers these.
    writable_department_ids: list[UUID]


class ArticleRevisionOut(Schema):
    number: int
    title_en: str
    title_ur: str
    body_en: str
    body_ur: str
    keywords: str
    department_id: UUID | None
    status: Status
    editor_id: UUID | None
    editor_name: str
    created_at: datetime


class ArticleRevisionListOut(Schema):
    items: list[ArticleRevisionOut]
    count: int


class ArticleFeedbackIn(Schema):
    model_config = ConfigDict(extra="forbid")

    helpful: StrictBool
    solved: StrictBool = Field(False, description="It solved the problem: the request is not filed (deflection).")


class KbSuggestParams(Schema):
    text: str = Field("", max_length=5000, description="The title and description being written.")


class KbSuggestedTicketOut(Schema):
    ticket_id: UUID
    number: str
    title: str
    status: str
    score: float


class KbSuggestOut(Schema):
    articles: list[ArticleOut]
    tickets: list[KbSuggestedTicketOut]
