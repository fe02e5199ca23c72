def test_kiosk_number_called_by_window(live_hall):
    kiosk, clerk = live_hall.client("kiosk"), live_hall.client("clerk-2")
    issued = kiosk.post("/tickets", json={"matter_id": 1}).json()
    called = clerk.post("/windows/2/call-next").json()
    assert called["ticket"]["number"] == issued["number"]
