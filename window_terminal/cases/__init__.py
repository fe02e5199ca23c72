"""Case pages: the window's case panel, the back office's in-tray, the supervisor's case
dashboard and the residents' progress lookup."""
