"""The knowledge base (DESIGN §11): bilingual articles per department, their revisions and the
readers' "did this help?" answers.

``department_id`` is a plain UUID column (a ``users.Department``, another service). ``search_text``
is what search reads: titles, keywords and the bodies' text, normalised by ``search.normalise``
(``search_keys``: its Roman Urdu skeletons); the service keeps both current on every save.
"""

from django.conf import settings
from django.db import models

from hdms.core.models import BaseModel


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Article(BaseModel):
    title_en = models.CharField(max_length=200)
    title_ur = models.CharField(max_length=200, blank=True, default="")
    body_en = models.TextField()  # sanitised HTML (services.sanitize_article_html)
    body_ur = models.TextField(blank=True, default="")
    # Words people search with that the text does not hold, such as Roman Urdu ("printer kaam nahi kar raha").
    keywords = models.CharField(max_length=300, blank=True, default="")
    department_id = models.UUIDField(null=True, blank=True)  # a users.Department, by id; none: the whole desk's
    status = models.CharField(max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    search_text = models.TextField(blank=True, default="", editable=False)
    search_keys = models.TextField(blank=True, default="", editable=False)  # search.document_keys
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("-updated_at",)
        indexes = [models.Index(fields=["status", "department_id"], name="kb_article_status_department")]


class ArticleRevision(BaseModel):
    """The article as one save left it: every version is kept (history), newest last."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()  # the article's ``version`` this revision recorded
    title_en = models.CharField(max_length=200)
    title_ur = models.CharField(max_length=200, blank=True, default="")
    body_en = models.TextField()
    body_ur = models.TextField(blank=True, default="")
    keywords = models.CharField(max_length=300, blank=True, default="")
    department_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ArticleStatus.choices)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("article", "number")
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="kb_revision_number_unique")]


class ArticleFeedback(BaseModel):
    """One reader's answer to "did this help?" on one article (one row per reader: a repeat
    changes nothing, a different answer replaces it). ``solved``: the article solved the problem
    the reader was about to file a request for (deflection, issue 17)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField()
    solved = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="kb_feedback_once_per_user")]
