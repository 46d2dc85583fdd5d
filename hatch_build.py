"""Build hook: the shipped trees go inside the wheel (``pdp_nav/trees``), not inside an editable install.

A ``force-include`` in ``pyproject.toml`` would also copy ``trees/`` into site-packages for
``pip install -e .``: a stale copy of the content, and a ``pdp_nav`` directory without
``__init__.py`` there, which turns a moved or deleted checkout into « No module named
pdp_nav.cli ». An editable install reads ``trees/`` from the checkout (``content.files.data_dir``).
"""

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class TreesInWheel(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name == "wheel" and version == "standard":
            build_data["force_include"]["trees"] = "pdp_nav/trees"
