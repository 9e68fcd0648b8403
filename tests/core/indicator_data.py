"""Small hand-made records for the indicator and check tests (not a test module)."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from cchc_desktop.core import models as m
from cchc_desktop.core.enums import Channel, DossierOutcome, OnlineLevel

D = dt.date


class Records:
    """One unit, two fields, three procedures (full, partial, none) and a dossier factory."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.unit = m.Unit(name="Sở Y tế", is_department=True)
        self.other_unit = m.Unit(name="Chi cục An toàn vệ sinh thực phẩm")
        self.drugs = m.Field(name="Dược phẩm", sort_order=2)
        self.clinics = m.Field(name="Khám bệnh, chữa bệnh", sort_order=1)
        session.add_all([self.unit, self.other_unit, self.drugs, self.clinics])
        session.flush()
        self.full = self.procedure("1.000001", self.drugs, OnlineLevel.FULL)
        self.partial = self.procedure("1.000002", self.clinics, OnlineLevel.PARTIAL)
        self.offline = self.procedure("1.000003", self.clinics, OnlineLevel.NONE)
        self._codes = itertools.count(1)

    def procedure(self, code: str, field: m.Field | None, level: OnlineLevel, **extra: object) -> m.Procedure:
        proc = m.Procedure(
            code=code,
            name=f"Thủ tục {code}",
            field_id=field.id if field else None,
            unit_id=self.unit.id,
            online_level=level,
            resolution_days=10,
            **extra,
        )
        self.s.add(proc)
        self.s.flush()
        return proc

    def dossier(
        self,
        received: D,
        due: D,
        resolved: D | None = None,
        *,
        outcome: DossierOutcome | None = None,
        channel: Channel = Channel.DIRECT,
        proc: m.Procedure | None = None,
        extended: D | None = None,
        unit: m.Unit | None = None,
    ) -> m.Dossier:
        proc = proc or self.offline
        if resolved is not None and outcome is None:
            outcome = DossierOutcome.RESOLVED
        row = m.Dossier(
            code=f"H-{next(self._codes):06d}",
            procedure_id=proc.id,
            unit_id=(unit or self.unit).id,
            field_id=proc.field_id,
            channel=channel,
            received_on=received,
            due_on=due,
            extended_due_on=extended,
            resolved_on=resolved,
            outcome=outcome,
        )
        self.s.add(row)
        self.s.flush()
        return row
