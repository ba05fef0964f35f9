#!/usr/bin/env python3
"""Writes src-tauri/tauri.conf.json for tauri-cli from the root tauri.conf.json.

tauri-cli takes the folder holding tauri.conf.json as the app crate's folder,
and the root Cargo.toml is the workspace, not the app: so the bundlers read a
derived copy (ignored by git) whose paths are rebased on src-tauri/. The app's
own build (src-tauri/build.rs, generate_context!) reads the root file as always.

Usage: derive-tauri-conf.py OUT [--ascii-name]
  --ascii-name  the package is named "portee" (Debian and RPM package names
                allow ASCII only); the menu entry keeps « Portée » through the
                desktop template. Windows and macOS installers keep « Portée ».
"""
import json
import sys

out = sys.argv[1]
ascii_name = "--ascii-name" in sys.argv[2:]
conf = json.load(open("tauri.conf.json", encoding="utf-8"))
conf["build"]["frontendDist"] = "../" + conf["build"]["frontendDist"]
conf["bundle"]["icon"] = ["../" + p for p in conf["bundle"]["icon"]]
if ascii_name:
    conf["productName"] = "portee"
    template = {"desktopTemplate": "packaging/portee.desktop"}
    conf["bundle"].setdefault("linux", {})["deb"] = dict(template)
    conf["bundle"]["linux"]["rpm"] = dict(template)
json.dump(conf, open(out, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
