from kiosk.session import events as ev
from kiosk.session.states import Action, Stage
from tests.kiosk.session.fakes import account, movements, new_flow, placed


def test_card_to_account() -> None:
    flow, services, _clock = new_flow()
    view = flow.handle(placed())
    assert view.stage is Stage.FACE
    sid = view.session
    assert sid is not None
    flow.handle(ev.FaceVerified(sid))
    assert flow.handle(ev.SessionOpened(sid, "林**")).stage is Stage.MENU
    view = flow.handle(ev.Press(Action.ACCOUNT))
    assert view.stage is Stage.ACCOUNT
    assert view.busy
    view = flow.handle(ev.AccountLoaded(sid, account(), movements(10)))
    assert not view.busy
    assert services.names()[:3] == ["start_face", "open_session", "load_account"]
