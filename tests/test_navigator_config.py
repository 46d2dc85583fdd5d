"""The configuration file and the navigate command's checks (run in-process through cli.main)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pdp_nav.cli import main
from pdp_nav.system.settings import Config, config_path, read_config
from pdp_nav.errors import InputError

from .helpers import OVERLAY, write_tree
from .test_prompts import typed


@pytest.fixture(autouse=True)
def _no_explicit_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PDP_NAV_CONFIG", raising=False)


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class TestReadConfig:
    def test_absent_file_is_empty(self) -> None:
        """No file: nothing configured, no error."""
        assert read_config() == Config()

    def test_values(self) -> None:
        """A number is accepted for the département; ~ is expanded in the tree path."""
        write_config('departement = 56\naccessible = true\narbre = "~/pdp/trees"\n')
        assert read_config() == Config(departement="56", accessible=True,
                                       arbre=Path(os.path.expanduser("~/pdp/trees")))

    def test_xdg_and_explicit_path(self, monkeypatch, tmp_path: Path) -> None:
        """XDG_CONFIG_HOME moves the file; PDP_NAV_CONFIG names another one, which must exist."""
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
        assert config_path() == tmp_path / "pdp-nav" / "config.toml"
        monkeypatch.setenv("PDP_NAV_CONFIG", str(tmp_path / "absent.toml"))
        with pytest.raises(InputError) as caught:
            read_config()
        assert str(caught.value) == (f"{tmp_path / 'absent.toml'}: fichier de configuration introuvable "
                                     "(variable PDP_NAV_CONFIG) : créez-le ou corrigez le chemin")

    def test_syntax_error_points_to_the_line(self) -> None:
        """A TOML error gives the line and column and an example to copy."""
        path = write_config('accessible = true\ndepartement 56\n')
        with pytest.raises(InputError) as caught:
            read_config()
        assert str(caught.value) == (f"{path}:2:13: syntaxe TOML invalide : écrivez une ligne « clé = valeur » "
                                     "par réglage, par exemple departement = \"56\"")

    def test_wrong_type_and_unknown_key(self) -> None:
        """A wrong value is an error on its line; an unknown key only a warning."""
        path = write_config('departemnt = "56"\naccessible = "oui"\n')
        with pytest.raises(InputError) as caught:
            read_config()
        assert str(caught.value) == f"{path}:2:1: « accessible » : valeur « oui » invalide, attendu : true ou false"
        write_config('departemnt = "56"\n')
        warnings = read_config().warnings
        assert [str(w) for w in warnings] == [
            f"{path}:1:1: avertissement : réglage « departemnt » inconnu, ignoré "
            "(réglages possibles : departement, accessible, arbre)"]


class TestNavigateCommand:
    def test_stdin_not_a_terminal(self, tree_dir: Path, capsys) -> None:
        """Standard input from a file or a pipe: exit 2 and the command to use instead."""
        assert main(["navigate", "--arbre", str(tree_dir)]) == 2
        assert capsys.readouterr().err.startswith("L'entrée standard n'est pas un terminal : ")

    def test_save_checked_before_any_question(self, tree_dir: Path, monkeypatch, capsys, tmp_path: Path) -> None:
        """A --save file that could not be written is refused at once (exit 2)."""
        typed(monkeypatch)
        assert main(["navigate", "--arbre", str(tree_dir), "--save", "r.pdf"]) == 2
        assert capsys.readouterr().err == (
            "r.pdf : extension « .pdf » non prise en charge pour un résumé ; terminez le nom par .md "
            "(Markdown), .html (page imprimable), .txt (texte brut) ou .json\n")
        missing = tmp_path / "absent" / "r.md"
        assert main(["navigate", "--arbre", str(tree_dir), "--save", str(missing)]) == 2
        assert capsys.readouterr().err == (
            f"--save {missing} : le dossier « {missing.parent} » n'existe pas ; créez-le ou choisissez un autre chemin\n")

    def test_config_departement_and_accessible_when_output_is_not_a_terminal(
            self, monkeypatch, capsys, tmp_path: Path) -> None:
        """The département comes from the file; output not to a terminal gives the plain lines."""
        tree = write_tree(tmp_path, overlays={"56": OVERLAY})
        write_config('departement = "56"\nfavori = 1\n')
        typed(monkeypatch, "2", "2", "1", "6")
        assert main(["navigate", "--arbre", str(tree)]) == 0
        captured = capsys.readouterr()
        assert " 1. Cap emploi — maintien\u00a0· Cap emploi 56\u00a0· à\u00a0confirmer\n" in captured.out  # local name
        assert "Qui contacter\n  - Cap emploi 56\u00a0(1)\n" in captured.out  # never a placeholder
        assert "réglage « favori » inconnu, ignoré" in captured.err
        assert captured.err.endswith("Navigation terminée. Aucune donnée n'a été enregistrée. À bientôt.\n")

    def test_option_wins_over_config_and_unknown_departement(self, tree_dir: Path, monkeypatch, capsys) -> None:
        """A département that does not exist names the configuration file it came from (exit 2)."""
        path = write_config('departement = "99"\n')
        typed(monkeypatch)
        assert main(["navigate", "--arbre", str(tree_dir)]) == 2
        err = capsys.readouterr().err
        assert err.endswith(f"(département « 99 » lu dans {path})\n")
        assert err.startswith("--departement (ou PDP_NAV_DEPARTEMENT): département « 99 » inconnu : indiquez un "
                              "numéro de 01 à 95, 2A, 2B ou de 971 à 976")
        typed(monkeypatch, "1", "6")
        assert main(["navigate", "--arbre", str(tree_dir), "--departement", ""]) == 0

    def test_bare_pdp_nav_reads_the_environment(self, tree_dir: Path, monkeypatch, capsys) -> None:
        """``pdp-nav`` alone navigates the tree named by PDP_NAV_ARBRE."""
        monkeypatch.setenv("PDP_NAV_ARBRE", str(tree_dir))
        typed(monkeypatch, "1", "6")
        assert main([]) == 0
        assert "\nPrévenir pendant l'activité\n" in capsys.readouterr().out


class TestHelp:
    def test_navigate_help_is_french(self, capsys, monkeypatch) -> None:
        """Typer's own chrome (usage line, panel titles, help option) is in French too."""
        monkeypatch.setenv("COLUMNS", "100")
        assert main(["navigate", "--help"]) == 0
        out = capsys.readouterr().out
        assert "Utilisation : pdp-nav navigate [OPTIONS]" in out
        assert "─ Options ─" in out and "Affiche cette aide et quitte." in out
        assert "[variable d'environnement : PDP_NAV_DEPARTEMENT]" in out
        assert "Sur chaque question : flèches et Entrée, ou le numéro, ou les premières lettres ; o/n pour" in out
        assert "Show this message" not in out and "Usage" not in out and "env var" not in out

    @pytest.mark.parametrize("command", [
        [], ["navigate"], ["validate"], ["run"], ["paths"], ["graph"], ["catalogue"], ["diff"], ["scenario"],
        ["scenario", "check"], ["scenario", "play"], ["scenario", "quiz"], ["scenario", "record"],
        ["export"], ["export", "html"]])
    def test_every_help_screen_is_french(self, command: list[str], capsys, monkeypatch) -> None:
        """No English chrome anywhere: usage placeholders, value names, types, one-line summaries."""
        monkeypatch.setenv("COLUMNS", "120")
        assert main([*command, "--help"]) == 0
        out = capsys.readouterr().out
        assert out.lstrip().startswith(f"Utilisation : pdp-nav {' '.join(command)}".rstrip() + " [OPTIONS]")
        for english in ("Usage", "COMMAND ", "[ARGS]", "<path>", "<file>", "<str>", "<text>", "<int>",
                        "<float>", "Show this message", "env var", "default:", "required"):
            assert english not in out, english
        if command in ([], ["scenario"], ["export"]):
            assert "COMMANDE [ARGUMENTS]..." in out and "─ Commandes ─" in out
