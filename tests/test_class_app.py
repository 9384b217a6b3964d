"""CLASS_APP's choices: the home-visit practice among them (``--class-app hv``), ``both`` still the
front and the back office only."""
from __future__ import annotations

import pytest

HV, FO, BO = "roleplay_home_visit.ipynb", "roleplay_front_office.ipynb", "roleplay_back_office.ipynb"


def pools(argv):
    from voila.configuration import VoilaConfiguration

    from slrt_sim.server.app import SlrtVoila

    app = SlrtVoila()
    app.parse_command_line(argv)
    app.voila_configuration = VoilaConfiguration(parent=app)
    app._configure_pools()
    return app, app.config.VoilaKernelManager.kernel_pools_config


def test_a_class_of_the_home_visit_preheats_its_notebook():
    app, p = pools(["--SlrtVoila.class_size=40", "--SlrtVoila.class_app=hv"])
    assert p[HV]["pool_size"] == 40 and p[FO]["pool_size"] == p[BO]["pool_size"] == 1
    assert app.class_notebooks() == (HV,) and app.class_pools() == {HV: 40}
    assert app.policy().class_notebooks == (HV,) and HV in app.policy().roleplays  # the trainer's switch reaches it


def test_both_is_the_front_and_the_back_office():
    app, p = pools(["--SlrtVoila.class_size=30", "--SlrtVoila.class_app=both"])
    assert (p[FO]["pool_size"], p[BO]["pool_size"], p[HV]["pool_size"]) == (30, 30, 1)
    assert app.class_notebooks() == (FO, BO)


def test_an_unknown_class_app_is_refused_in_one_line():
    from slrt_sim.server.app import ServeError, SlrtVoila

    with pytest.raises(ServeError) as exc:
        SlrtVoila().parse_command_line(["--SlrtVoila.class_app=kasir"])
    assert "--class-app 'kasir'" in str(exc.value) and "\n" not in str(exc.value)
    app = SlrtVoila()
    app.parse_command_line(["--SlrtVoila.class_app=hv"])
    assert app.class_app == "hv"
