"""Legal health self-check (法治体检自测): questionnaires as content, scoring, reports stored per session, PDF."""

from checkups.basis import Quote, Statutes
from checkups.desk import (
    CheckupInvalid,
    Checkups,
    CheckupSource,
    StoredReport,
    UnknownCheckup,
    UnknownCheckupSession,
    UnknownReport,
)
from checkups.loader import QuestionnaireError, load_questionnaires
from checkups.report import BUREAU, BUREAU_EN, InvalidAnswers, build_report, check_answers
from checkups.schema import ANSWERS, AREAS, Question, Questionnaire
from checkups.scoring import LEVEL_EN, RULE_EN, RULE_ZH

__all__ = [
    "ANSWERS",
    "AREAS",
    "BUREAU",
    "BUREAU_EN",
    "LEVEL_EN",
    "RULE_EN",
    "RULE_ZH",
    "CheckupInvalid",
    "CheckupSource",
    "Checkups",
    "InvalidAnswers",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Quote",
    "Statutes",
    "StoredReport",
    "UnknownCheckup",
    "UnknownCheckupSession",
    "UnknownReport",
    "build_report",
    "check_answers",
    "load_questionnaires",
]
