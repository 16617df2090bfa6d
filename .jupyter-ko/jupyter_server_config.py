"""JupyterLab for the Korean edition (``make lab-ko``): the interface in Korean, Korean line breaking.

``make lab-ko`` starts JupyterLab with ``JUPYTER_CONFIG_DIR`` pointing at this directory, for
that process only, because JupyterLab reads ``custom/custom.css`` from the Jupyter config
directory (``ServerApp.static_custom_path`` cannot be configured). Everything else stays the
learner's own, and nothing outside the repository is written:

* their settings and workspaces: ``LabApp.user_settings_dir`` / ``workspaces_dir`` point back
  to their usual Jupyter config directory (``W2VLIB_JUPYTER_CONFIG_DIR``, what ``jupyter
  --config-dir`` said before the override), or to ``JUPYTERLAB_SETTINGS_DIR`` /
  ``JUPYTERLAB_WORKSPACES_DIR`` when they set those;
* their server and lab config files there (``jupyter_server_config``, ``jupyter_lab_config``,
  ``.json`` and ``.py``) are loaded first, so a password or a port they chose still applies;
* the language is a *default*, not a setting: ``lab/settings/overrides.json`` here
  (``LabApp.app_settings_dir``) sets ``@jupyterlab/translation-extension:plugin`` ``locale`` to
  ``ko_KR`` (the language pack ``jupyterlab-language-pack-ko-KR``, in the dev extra). A language
  the learner picked in Settings > Language still wins, and ``make lab`` (which does not use
  this directory) keeps JupyterLab's default.
* ``LabApp.custom_css`` loads ``custom/custom.css``: ``word-break: keep-all`` on rendered
  markdown and outputs.
"""

import os
from pathlib import Path

from traitlets.config.loader import JSONFileConfigLoader

c = get_config()  # noqa: F821 -- provided by traitlets when it runs this file

HERE = Path(__file__).resolve().parent
OWN = Path(os.environ.get("W2VLIB_JUPYTER_CONFIG_DIR") or Path.home() / ".jupyter")

if OWN.resolve() != HERE:
    for name in ("jupyter_server_config", "jupyter_lab_config"):
        if (OWN / f"{name}.json").is_file():
            c.merge(JSONFileConfigLoader(f"{name}.json", path=str(OWN)).load_config())
        if (OWN / f"{name}.py").is_file():
            load_subconfig(str(OWN / f"{name}.py"))  # noqa: F821 -- provided by traitlets

c.LabApp.custom_css = True
c.LabApp.app_settings_dir = str(HERE / "lab" / "settings")
c.LabApp.user_settings_dir = os.environ.get("JUPYTERLAB_SETTINGS_DIR") or str(OWN / "lab" / "user-settings")
c.LabApp.workspaces_dir = os.environ.get("JUPYTERLAB_WORKSPACES_DIR") or str(OWN / "lab" / "workspaces")
