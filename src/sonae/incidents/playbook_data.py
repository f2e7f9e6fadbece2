"""Loading the playbooks of ``playbooks.yaml`` into the database (on migrate, and from the demo).

Takes the model classes as arguments so the data migration can pass its historical models.
"""

from __future__ import annotations

from pathlib import Path

import yaml

PLAYBOOK_FILE = Path(__file__).with_name("playbooks.yaml")


def read_playbooks(path: Path = PLAYBOOK_FILE) -> list[dict]:
    """The templates of the YAML file, each with its ``steps``."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["templates"]


def load_playbooks(template_model, step_model, path: Path = PLAYBOOK_FILE) -> int:
    """Create the templates of the file that do not exist yet (by code). Returns how many were created.

    Existing templates are left alone: once loaded, playbooks are edited in the admin, and a rerun must not undo
    those edits.
    """
    created = 0
    for spec in read_playbooks(path):
        if template_model.objects.filter(code=spec["code"]).exists():
            continue
        template = template_model.objects.create(
            code=spec["code"],
            name=spec["name"],
            category=spec.get("category") or "",
            description=spec.get("description", ""),
        )
        for order, step in enumerate(spec.get("steps", []), start=1):
            step_model.objects.create(
                template=template,
                order=order * 10,
                phase=step["phase"],
                title=step["title"],
                description=step.get("description", ""),
                owner=step.get("owner", "provider"),
                due_business_days=int(step.get("days", 1)),
                coverage_item=step.get("coverage") or "",
                condition=step.get("when", "always"),
            )
        created += 1
    return created
