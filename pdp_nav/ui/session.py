"""The navigate session: questions, the result screen, and the menu that follows it.

After a result the doctor can go back one question, change any earlier answer (the next
result then says which dispositifs were added or removed), look at one dispositif in detail
(« pourquoi pas » for the ones not proposed), save a summary, restart or quit.
"""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Any

from ..core.engine import Navigation, Result
from ..core.model import Dispositif, Tree
from ..errors import Interrupted, OutputError, UsageError, display_path
from ..views.plan import card, result_plan
from ..views.printable import FORMAT_NAMES, summary_format, write_summary
from ..views.summary import card_lines, describe_reason, result_lines
from . import prompts
from .navigator import Asker, Quit, Screen


class Action(enum.Enum):
    """The menu under a result."""

    CHANGE = "Modifier une réponse…"
    BACK = "← Retour à la dernière question"
    DETAIL = "Ouvrir la fiche d'une action…"
    SAVE = "Enregistrer un résumé…"
    RESTART = "Recommencer"
    QUIT = "Quitter"


def changes(previous: Result, current: Result) -> tuple[list[Dispositif], list[Dispositif]]:
    """The dispositifs added and removed between two results, in result order."""
    before, after = set(previous.dispositif_ids), set(current.dispositif_ids)
    added = [p.dispositif for p in current.proposals if p.dispositif.id not in before]
    removed = [p.dispositif for p in previous.proposals if p.dispositif.id not in after]
    return added, removed


class Session:
    """One interactive consultation; :meth:`run` ends only by :class:`Quit` or :class:`Interrupted`."""

    def __init__(self, tree: Tree, *, accessible: bool = False, console: Any = None,
                 save_to: Path | None = None, now: dt.datetime | None = None,
                 start: Navigation | None = None, notes: list[str] | None = None) -> None:
        self.tree = tree
        self.accessible = accessible
        self.screen = Screen(console, accessible)
        self.asker = Asker(tree, accessible=accessible, screen=self.screen)
        self.save_to = save_to
        self.now = now
        self.saved: list[str] = []
        self.start = start
        """A reopened case (``navigate --reprendre``): its answers, the result reached at once."""
        self.notes = notes or []
        """Shown once under the first result (what a newer tree version proposes differently)."""

    def run(self) -> None:
        try:
            self._loop()
        except Quit:
            if self.saved:
                raise Quit(f"Navigation terminée. Résumé enregistré : {', '.join(self.saved)}. À bientôt.") from None
            raise
        except Interrupted as exc:
            if self.saved:
                exc.message = f"Interrompu. Résumé enregistré : {', '.join(self.saved)}. À bientôt."
            raise

    def _loop(self) -> None:
        state, origin, previous = self.start or Navigation(self.tree), None, None
        while True:
            restarts = self.asker.restarts
            state = self.asker.run(state, origin)
            if self.asker.restarts != restarts:
                previous = None
            result = state.result()
            self.show(result, previous)
            for text in self.notes:
                self.screen.line(text, "bold yellow")
            self.notes = []
            if self.save_to is not None:
                self.save(result, self.save_to)
            previous = result
            state, origin = self.menu(state, result)
            if origin is None:
                previous = None

    # -- the result screen -------------------------------------------------------------------------
    def show(self, result: Result, previous: Result | None) -> None:
        """The plan, and what changed since the previous result."""
        added, removed = changes(previous, result) if previous is not None else ([], [])
        self.screen.line()
        if self.accessible:
            for text in result_lines(result, width=10_000):  # not wrapped: the screen reader does it
                self.screen.line(text)
        else:
            from .render import print_result  # start-up: Rich only when the cards are drawn

            print_result(result, self.screen.out)
        if previous is None:
            return
        if not added and not removed:
            self.screen.line("Par rapport au résultat précédent : mêmes dispositifs.", "bold yellow")
            return
        self.screen.line("Par rapport au résultat précédent :", "bold yellow")
        for d in added:
            self.screen.line(f"  + {d.name} (ajouté)", "green")
        for d in removed:
            self.screen.line(f"  − {d.name} (retiré)", "red")

    def menu(self, state: Navigation, result: Result) -> tuple[Navigation, Navigation | None]:
        """Ask what to do next until the path changes; returns the new state and the origin to revise."""
        while True:
            self.screen.line()
            items = [prompts.Item(a, a.value) for a in Action]
            action = prompts.select("Et maintenant ?", items, back=Action.BACK, accessible=self.accessible)
            if action is Action.BACK:
                return state.back(), state
            if action is Action.CHANGE:
                target = self.asker.pick_earlier(state)
                if target is not None:
                    return target, state
            elif action is Action.DETAIL and self.detail(result):
                self.show(result, None)  # back to the plan
            elif action is Action.SAVE:
                self.ask_save(result)
            elif action is Action.RESTART:
                self.screen.line("Nouveau parcours : toutes les réponses ont été effacées.", "bold")
                return state.restart(), None
            else:
                raise Quit()

    # -- one dispositif ------------------------------------------------------------------------------
    def detail(self, result: Result) -> bool:
        """Open the card of an action (or of a dispositif not proposed, with why not); False if none chosen."""
        items = [prompts.Item(a.id, a.short) for a in result_plan(result).actions]  # numbered as in the plan
        items += [prompts.Item(e.dispositif.id, f"{e.dispositif.name} (non proposé)") for e in result.exclusions]
        items.append(prompts.Item(None, "Retour au plan", numbered=False))
        chosen = prompts.select("Quelle fiche ?", items, accessible=self.accessible)
        if chosen is None:
            return False
        tree = result.tree
        proposal = next((p for p in result.proposals if p.dispositif.id == chosen), None)
        reasons = proposal.reasons if proposal else next(e for e in result.exclusions
                                                         if e.dispositif.id == chosen).reasons
        why = [describe_reason(tree, r, proposed=proposal is not None) for r in reasons]
        shown = card(tree, tree.dispositifs[chosen], answers=result.answers, why=why, proposed=proposal is not None)
        self.screen.line()
        if self.accessible:
            for text in card_lines(shown):
                self.screen.line(text)
        else:
            from .render import dispositif_card  # start-up: Rich only when a card is drawn

            self.page(dispositif_card(shown))
        prompts.pause("Entrée pour revenir au plan…", accessible=self.accessible)
        return True

    def page(self, renderable: Any) -> None:
        """Print ``renderable``; taller than the terminal, one screen at a time (a simple pager)."""
        out = self.screen.out
        with out.capture() as captured:
            out.print(renderable)
        lines = captured.get().splitlines()
        step = max(out.height - 2, 5)
        for start in range(0, len(lines), step):
            if start:
                prompts.pause(f"Suite de la fiche ({start + 1}-{min(start + step, len(lines))} "
                              f"sur {len(lines)} lignes) : Entrée…", accessible=self.accessible)
            out.file.write("\n".join(lines[start:start + step]) + "\n")  # already drawn, colours kept
            out.file.flush()

    # -- summaries -----------------------------------------------------------------------------------
    def save(self, result: Result, path: Path) -> bool:
        """Write the summary; a failure is shown and the session goes on."""
        try:
            fmt = write_summary(path, result, generated=self.now or dt.datetime.now().replace(microsecond=0))
        except OutputError as exc:
            self.screen.line(str(exc), "bold red")
            return False
        shown = display_path(path)
        if shown not in self.saved:
            self.saved.append(shown)
        self.screen.line(f"Résumé enregistré : {shown} ({FORMAT_NAMES[fmt]}). Il ne contient aucune donnée "
                         "d'identité du patient.", "green")
        return True

    def ask_save(self, result: Result) -> None:
        day = (self.now or dt.datetime.now()).date()
        name = f"resume-pdp-{day.isoformat()}.md"
        while True:
            name = prompts.text("Fichier (.md, .html, .txt ou .json, ou « annuler »)",
                                default=name, accessible=self.accessible)
            if name.casefold() in ("", "annuler"):
                self.screen.line("Enregistrement annulé.")
                return
            path = Path(name).expanduser()
            try:
                summary_format(path)
            except UsageError as exc:
                self.screen.line(str(exc), "bold red")
                continue
            if path.exists() and not prompts.confirm(f"{display_path(path)} existe déjà : le remplacer ?",
                                                     default=False, accessible=self.accessible):
                continue
            self.save(result, path)
            return
