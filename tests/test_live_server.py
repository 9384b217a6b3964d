"""The class server's live-kelurahan route (``POST /slrt/api/live``), in process: a tornado
application with the route alone, a stand-in kernel manager and a fake clock."""
from __future__ import annotations

import json
import types

import tornado.web
from tornado.testing import AsyncHTTPTestCase

from slrt_sim.server import live
from slrt_sim.server.guard import PinThrottle
from slrt_sim.training.live.lobby import Lobby


class Clock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


class LiveRouteTest(AsyncHTTPTestCase):
    def get_app(self):
        self.clock = Clock()
        self.lobby = Lobby(self.clock)
        self.throttle = PinThrottle(own=set())
        self.throttle.trusted.add("k-trainer")
        km = types.SimpleNamespace(kernel_owner={"k-trainer": ("127.0.0.1", "dashboard.ipynb"),
                                                 "k-ani": ("127.0.0.1", "live.ipynb")})
        return tornado.web.Application(live.handlers("/", self.throttle, self.lobby), kernel_manager=km)

    def call(self, kernel: str, action: str, **data):
        r = self.fetch("/slrt/api/live", method="POST", body=json.dumps({"kernel": kernel, "action": action, **data}),
                       raise_error=False)
        return r.code, (json.loads(r.body) if r.code in (200, 400) else None)

    def test_a_game_through_the_route(self):
        teams = [[["fo", "Ani"], ["bo", None]]]
        assert self.call("k-ani", "start", config={"days": 10}, teams=teams)[0] == 403  # not the trainer
        assert self.call("k-unknown", "pending", player="Ani")[0] == 404
        code, reply = self.call("k-trainer", "start", config={"days": 10, "seconds_per_day": 60}, teams=teams)
        assert code == 200 and reply == {"games": ["1"]}
        mine = []
        while not mine:
            self.clock.t += 2.0
            code, reply = self.call("k-ani", "pending", player="Ani")
            assert code == 200 and reply["game"] == "1"
            mine = reply["pending"]
        d = mine[0]
        assert d["options"] == ["record", "close_info"] and "key" not in d
        code, seen = self.call("k-ani", "household", player="Ani", hh=d["hh"])
        assert code == 200 and "true_decile" not in seen and seen["members"]
        assert self.call("k-ani", "answer", player="Ani", decision=d["id"], answer="maybe")[0] == 400
        assert self.call("k-ani", "answer", player="Ani", decision=d["id"], answer="record") == (200, {"ok": True})
        code, st = self.call("k-ani", "state", game="1")
        assert code == 200 and set(st["queues"]) == {"fo", "bo", "manager", "fasilitator", "supervisor"}
        code, db = self.call("k-trainer", "end", game="1")
        assert code == 200 and db["players"][0]["player"] == "Ani" and db["players"][0]["answered"] == 1

    def test_bad_requests_are_one_line(self):
        code, reply = self.call("k-trainer", "start", config={"seconds_per_day": 0}, teams=[[["fo", "Ani"]]])
        assert code == 400 and "seconds_per_day" in reply["error"] and "\n" not in reply["error"]
        code, reply = self.call("k-ani", "fly")
        assert code == 400 and "fly" in reply["error"]
