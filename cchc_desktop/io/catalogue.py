"""The unit, field and procedure catalogue as an import meets it (day one: an empty catalogue).

One-stop exports name the handling unit in several ways, often with the one-stop unit code in the same
cell or in a column of its own:

- a room of the department: "Phòng Nghiệp vụ Dược - Sở Y tế", "000.00.17.H23 - Văn phòng Sở" — mapped
  to the department (a ``UnitAlias`` row, editable, reused by every later import);
- a subordinate unit: "Chi cục An toàn vệ sinh thực phẩm" (also written "… - Sở Y tế") — a unit;
- a district office: "UBND huyện Kim Bôi - Phòng Y tế" — a unit of its own.

Matching order: the one-stop code (units, then aliases), then the alias table, then the unit names.
``Catalogue.plan_unit`` only looks (the import preview counts what is unknown with it);
``Catalogue.unit`` also writes what the plan needs (a new unit marked "cần bổ sung thông tin", an
alias, a code kept on the unit) — inside the import's transaction.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import models as m
from ..core import services
from ..core.db import Database
from ..core.text import name_key
from ..core.units import DISTRICT_LEVEL_LAST_DAY, is_district_office
from .mapping import Header
from .parsing import clean_text

# "000.00.17.H23", "000.17.17.H23", "G22.12.03.H23": three groups of digits then a province letter code.
UNIT_CODE = re.compile(r"(?<![\w.])([0-9A-Z]\d{2}\.\d{2}\.\d{2}\.[A-Z]\d{2})(?![\w.])")
_SEPARATORS = " \t-–—:|,;()[]"
_SEGMENT = re.compile(r"\s+[-–—]\s+")
# Folded beginnings of a room (or inspectorate, office) of the department.
ROOM_PREFIXES = ("phong ", "van phong", "thanh tra", "ban ", "to ")
ROOM_ALONE = ("van phong so", "thanh tra so")


def split_unit_cell(text: Any, code_cell: Any = None) -> tuple[str | None, str | None]:
    """(one-stop code, unit name) of a unit cell such as "000.00.17.H23 - Phòng Nghiệp vụ Dược - Sở Y tế"
    or "Phòng Nghiệp vụ Dược (000.00.17.H23)"; a separate code column wins over a code in the name."""
    name = clean_text(text)
    code = clean_text(code_cell)
    if code is not None:
        found = UNIT_CODE.search(code)
        code = found.group(1) if found else code
    if name:
        found = UNIT_CODE.search(name)
        if found:
            code = code or found.group(1)
            name = (name[: found.start()] + " " + name[found.end() :]).replace("()", " ").replace("[]", " ")
        name = " ".join(name.split()).strip(_SEPARATORS) or None
    return code, name


@dataclass(frozen=True)
class UnitPlan:
    """How a unit cell resolves: ``unit_id`` when known; else what ``Catalogue.unit`` would create."""

    kind: str  # "known" | "room" (a room of the department) | "part" (a unit written "X - Sở Y tế") | "new"
    name: str  # the name as written (without the code)
    unit_name: str  # the unit it means (the department for a room)
    code: str | None
    unit_id: int | None = None
    alias: bool = False  # a new alias row would record the name


@dataclass
class Gap:
    """One unknown (or newly mapped) catalogue entry and how many rows of the file use it."""

    label: str
    rows: int
    detail: str = ""


@dataclass
class CatalogueGaps:
    """What an import would add to the catalogue, with row counts (the import preview)."""

    units: list[Gap] = field(default_factory=list)
    rooms: list[Gap] = field(default_factory=list)  # names mapped to the department (not created)
    fields: list[Gap] = field(default_factory=list)
    procedures: list[Gap] = field(default_factory=list)
    rows: int = 0

    @property
    def missing(self) -> bool:
        return bool(self.units or self.fields or self.procedures)

    def lines(self) -> list[str]:
        """The preview as Vietnamese lines (also printed by the command line)."""
        out: list[str] = []
        for title, gaps in (
            ("Đơn vị chưa có trong danh mục", self.units),
            ("Lĩnh vực chưa có trong danh mục", self.fields),
            ("Thủ tục (mã TTHC) chưa có trong danh mục", self.procedures),
            ("Tên phòng thuộc Sở, ghép vào đơn vị Sở", self.rooms),
        ):
            if gaps:
                out.append(f"{title} ({len(gaps)}):")
                out.extend(
                    f"  • {g.label}{f' ({g.detail})' if g.detail else ''}: {g.rows} dòng" for g in gaps
                )
        return out


class Catalogue:
    """Units and fields by every key an import matches on, loaded once per import."""

    def __init__(self, session: Session, user: str | None = None, *, create: bool = False) -> None:
        self.session = session
        self.user = user
        self.create = create
        self.created_units = 0
        self.created_fields = 0
        self.unit_by_code: dict[str, int] = {}
        self.unit_by_key: dict[str, int] = {}
        self.unit_name: dict[int, str] = {}
        self.unit_code: dict[int, str | None] = {}
        self.department: int | None = None
        self.department_keys: tuple[str, ...] = ()
        for u in session.scalars(select(m.Unit)):
            self._add_unit(u)
            if u.is_department and self.department is None:
                self.department = u.id
                self.department_keys = tuple(k for k in (name_key(u.name), name_key(u.short_name or "")) if k)
        self.alias_by_key: dict[str, m.UnitAlias] = {}
        self.alias_by_code: dict[str, int] = {}
        for a in session.scalars(select(m.UnitAlias)):
            self.alias_by_key[a.name_key] = a
            if a.code:
                self.alias_by_code[a.code] = a.unit_id
        self.field_by_key: dict[str, int] = {
            name_key(n): i for i, n in session.execute(select(m.Field.id, m.Field.name))
        }
        self._plans: dict[tuple[Any, Any], UnitPlan | None] = {}
        self._ids: dict[tuple[Any, Any], int | None] = {}

    def _add_unit(self, u: m.Unit) -> None:
        self.unit_by_key.setdefault(name_key(u.name), u.id)
        if u.short_name:
            self.unit_by_key.setdefault(name_key(u.short_name), u.id)
        if u.code:
            self.unit_by_code[u.code] = u.id
        self.unit_name[u.id] = u.name
        self.unit_code[u.id] = u.code

    # ------------------------------------------------------------------ units

    def _room_or_part(self, name: str) -> tuple[str, str] | None:
        """("room", name) for a room of the department, ("part", unit name) for "X - Sở Y tế"."""
        key = name_key(name)
        if self.department is None:
            return None
        if key in ROOM_ALONE:
            return "room", name
        segments = _SEGMENT.split(name)
        if len(segments) < 2:
            return None
        tail = name_key(segments[-1])
        if not any(tail == k or tail.startswith(k + " ") for k in self.department_keys):
            return None
        head = " - ".join(segments[:-1])
        if name_key(head).startswith(ROOM_PREFIXES):
            return "room", name
        return "part", head

    def plan_unit(self, text: Any, code_cell: Any = None) -> UnitPlan | None:
        """How the cell resolves, without writing anything (``None``: an empty cell)."""
        cache_key = (text, code_cell)
        if cache_key in self._plans:
            return self._plans[cache_key]
        plan = self._plans[cache_key] = self._make_plan(text, code_cell)
        return plan

    def _make_plan(self, text: Any, code_cell: Any) -> UnitPlan | None:
        code, name = split_unit_cell(text, code_cell)
        plan: UnitPlan | None = None
        if code is not None and (code in self.unit_by_code or code in self.alias_by_code):
            uid = self.unit_by_code.get(code) or self.alias_by_code[code]
            plan = UnitPlan("known", name or self.unit_name[uid], self.unit_name[uid], code, uid)
        elif name is not None:
            key = name_key(name)
            alias = self.alias_by_key.get(key)
            if alias is not None:
                plan = UnitPlan("known", name, self.unit_name[alias.unit_id], code, alias.unit_id)
            elif key in self.unit_by_key:
                uid = self.unit_by_key[key]
                plan = UnitPlan("known", name, self.unit_name[uid], code, uid)
            else:
                found = self._room_or_part(name)
                if found is not None and found[0] == "room":
                    dept = self.department
                    assert dept is not None
                    plan = UnitPlan("room", name, self.unit_name[dept], code, dept, alias=True)
                elif found is not None:
                    head = found[1]
                    plan = UnitPlan("part", name, head, code, self.unit_by_key.get(name_key(head)), alias=True)
                else:
                    plan = UnitPlan("new", name, name, code)
        elif code is not None:
            plan = UnitPlan("new", code, code, code)
        return plan

    def unit(self, text: Any, code_cell: Any = None) -> int | None:
        """The unit id for the cell, writing what its plan needs; ``None`` when it is unknown and this
        import does not create (the caller rejects the row)."""
        cache_key = (text, code_cell)
        if cache_key in self._ids:
            return self._ids[cache_key]
        plan = self.plan_unit(text, code_cell)
        uid = None if plan is None else self._apply(plan)
        self._ids[cache_key] = uid
        return uid

    def settled_unit(self, text: Any, code_cell: Any = None) -> int | None:
        """The unit id ``unit`` gives for these cells when it has nothing to write — cells it already
        resolved in this import, or naming a unit as the catalogue has it — else ``None`` (a unit, a
        code or an alias to record: only ``unit`` may do that). For ``io.lane``, which must not write."""
        cache_key = (text, code_cell)
        if cache_key in self._ids:
            return self._ids[cache_key]
        # Not kept in ``_plans``: a plan made before ``unit`` creates the unit it names would be stale.
        plan = self._plans[cache_key] if cache_key in self._plans else self._make_plan(text, code_cell)
        if plan is None or plan.unit_id is None or self._keeps_code(plan) or self._records_alias(plan):
            return None
        self._ids[cache_key] = plan.unit_id
        return plan.unit_id

    def _keeps_code(self, plan: UnitPlan) -> bool:
        """A known unit without a code, named with one: ``_apply`` keeps the code on the unit."""
        uid = plan.unit_id
        return bool(
            uid is not None and plan.code and plan.kind != "room" and self.unit_code.get(uid) is None
            and plan.code not in self.alias_by_code
        )

    def _records_alias(self, plan: UnitPlan) -> bool:
        """A name written as a room or a part of the department, not recorded yet: ``_apply`` adds the alias."""
        return plan.alias and name_key(plan.name) not in self.alias_by_key

    def _apply(self, plan: UnitPlan) -> int | None:
        room = plan.kind == "room"
        uid = plan.unit_id
        if uid is None:
            if not self.create:
                return None
            values: dict[str, Any] = {"name": plan.unit_name, "code": plan.code, "needs_review": True}
            if is_district_office(plan.unit_name):  # the district level ended on 01/7/2025 (SPEC §11)
                values["valid_to"] = DISTRICT_LEVEL_LAST_DAY
            unit = services.create(self.session, m.Unit, values, user=self.user)
            self._add_unit(unit)
            self.created_units += 1
            uid = unit.id
        elif self._keeps_code(plan):
            # The code of a unit that had none: kept on the unit (nothing is overwritten).
            assert plan.code is not None
            services.update(self.session, m.Unit, uid, {"code": plan.code}, user=self.user)
            self.unit_code[uid] = plan.code
            self.unit_by_code[plan.code] = uid
        if self._records_alias(plan):
            key = name_key(plan.name)
            code = plan.code if room and plan.code and plan.code not in self.alias_by_code else None
            alias = services.create(
                self.session, m.UnitAlias,
                {"name": plan.name, "name_key": key, "code": code, "unit_id": uid, "is_room": room},
                user=self.user,
            )  # fmt: skip
            self.alias_by_key[key] = alias
            if code:
                self.alias_by_code[code] = uid
        return uid

    # ------------------------------------------------------------------ fields

    def field(self, name: Any) -> int | None:
        """The field id for a name (created, marked for review, when this import creates)."""
        text = clean_text(name)
        if not text:
            return None
        key = name_key(text)
        fid = self.field_by_key.get(key)
        if fid is None and self.create:
            order = (self.session.scalar(select(func.max(m.Field.sort_order))) or 0) + 1
            fid = services.create(
                self.session, m.Field, {"name": text, "sort_order": order, "needs_review": True}, user=self.user
            ).id
            self.field_by_key[key] = fid
            self.created_fields += 1
        return fid

    def procedure_values(self, parsed: dict[str, Any]) -> dict[str, Any]:
        """Unit and field of a procedure an import creates, from the row that names it."""
        values: dict[str, Any] = {}
        if parsed.get("unit") or parsed.get("unit_code"):
            uid = self.unit(parsed.get("unit"), parsed.get("unit_code"))
            if uid is not None:
                values["unit_id"] = uid
        if parsed.get("field"):
            fid = self.field(parsed["field"])
            if fid is not None:
                values["field_id"] = fid
        return values


SCANNED_KEYS = ("unit", "unit_code", "field", "procedure_code", "procedure_name")


def find_gaps(session: Session, rows: Iterable[dict[str, Any]]) -> CatalogueGaps:
    """Count, over the rows of a dossier file (cells by field key: unit, unit_code, field,
    procedure_code, procedure_name), the units, fields and procedure codes the catalogue lacks and the
    room names that map to the department. Writes nothing."""
    cat = Catalogue(session)
    known_codes = set(session.scalars(select(m.Procedure.code)))
    units: Counter[str] = Counter()
    unit_codes: dict[str, str] = {}
    rooms: Counter[tuple[str, str]] = Counter()
    fields: Counter[str] = Counter()
    procedures: Counter[str] = Counter()
    proc_names: dict[str, str] = {}
    field_names: dict[str, str] = {}
    total = 0
    for parsed in rows:
        total += 1
        plan = cat.plan_unit(parsed.get("unit"), parsed.get("unit_code"))
        if plan is not None and plan.unit_id is None:
            units[plan.unit_name] += 1
            if plan.code:
                unit_codes.setdefault(plan.unit_name, plan.code)
        elif plan is not None and plan.alias:
            rooms[(plan.name, plan.unit_name)] += 1
        name = clean_text(parsed.get("field"))
        if name and name_key(name) not in cat.field_by_key:
            fields[name_key(name)] += 1
            field_names.setdefault(name_key(name), name)
        code = clean_text(parsed.get("procedure_code"))
        if code and code not in known_codes:
            procedures[code] += 1
            proc_name = clean_text(parsed.get("procedure_name"))
            if proc_name:
                proc_names.setdefault(code, proc_name)
    gaps = CatalogueGaps(rows=total)
    gaps.units = [Gap(n, c, f"mã {unit_codes[n]}" if n in unit_codes else "") for n, c in _by_count(units)]
    gaps.rooms = [Gap(n, c, f"→ {target}") for (n, target), c in _by_count(rooms)]
    gaps.fields = [Gap(field_names[k], c) for k, c in _by_count(fields)]
    gaps.procedures = [Gap(code, c, proc_names.get(code, "")) for code, c in _by_count(procedures)]
    return gaps


def scan_file(db: Database, path: Path | str, *, header: Header | None = None,
              mapping: dict[str, str] | Path | str | None = None) -> CatalogueGaps:
    """``find_gaps`` over a whole dossier file (read once, only the catalogue columns)."""
    from .importer import open_source  # the reader of the import itself: same header, same rows

    src = open_source("dossiers", path, mapping, header=header)
    columns = [(col, key) for col, key in src.header.mapping.items() if key in SCANNED_KEYS]

    def rows() -> Iterable[dict[str, Any]]:
        for _number, cells in src.rows:
            width = len(cells)
            yield {key: cells[col] if col < width else None for col, key in columns}

    with db.session() as session:
        return find_gaps(session, rows())


def _by_count(counter: Counter[Any]) -> list[tuple[Any, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
