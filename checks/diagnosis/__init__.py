"""Deterministic root-cause diagnosis of a failed evaluation: no model, only evidence."""

from checks.diagnosis.engine import diagnose
from checks.diagnosis.model import Diagnosis, DiagnosisInput, Evidence, RootCause

__all__ = ["Diagnosis", "DiagnosisInput", "Evidence", "RootCause", "diagnose"]
