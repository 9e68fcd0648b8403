"""GUI test fixtures: the app's look on pytest-qt's QApplication, prompts answered by the test, and a
check after every test that no dialog is left open or blocking."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QDialog

from cchc_desktop.core.db import Database
from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.ui import prompts
from cchc_desktop.ui.app import create_application
from cchc_desktop.ui.context import AppContext


class Answers:
    """Scripted answers to the app's prompts; a prompt nobody expected fails the test."""

    def __init__(self) -> None:
        self.queue: list[tuple[str, Callable[[prompts.Prompt], Any]]] = []
        self.seen: list[prompts.Prompt] = []
        self.unexpected: list[prompts.Prompt] = []

    def expect(self, kind: str, answer: Any = None) -> None:
        """The next prompt must be of ``kind``; ``answer`` is a value or a function of the prompt."""
        fn = answer if callable(answer) else (lambda _p, a=answer: a)
        self.queue.append((kind, fn))

    def __call__(self, prompt: prompts.Prompt) -> Any:
        self.seen.append(prompt)
        if not self.queue:
            self.unexpected.append(prompt)
            return None
        kind, fn = self.queue.pop(0)
        if kind != prompt.kind:
            self.unexpected.append(prompt)
            return None
        return fn(prompt)


@pytest.fixture(autouse=True)
def answers(qapp: QApplication) -> Iterator[Answers]:
    create_application()
    responder = Answers()
    prompts.set_responder(responder)
    yield responder
    prompts.set_responder(None)
    QThreadPool.globalInstance().waitForDone(10_000)
    qapp.processEvents()
    assert QApplication.activeModalWidget() is None, "a modal dialog was left open"
    left = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    for w in left:
        w.close()
    assert not left, f"dialogs left open: {[w.windowTitle() for w in left]}"
    assert not responder.unexpected, f"unexpected prompts: {[(p.kind, p.title, p.text) for p in responder.unexpected]}"
    assert not responder.queue, f"expected prompts that never came: {[k for k, _ in responder.queue]}"


@pytest.fixture
def ctx(demo_db: Database) -> Iterator[AppContext]:
    context = AppContext(demo_db)
    # The demo also holds the current period (2026, with its trouble); these tests check the reference year.
    context.set_period(PeriodSpec.for_year(2024))
    yield context
    QThreadPool.globalInstance().waitForDone(10_000)
