{
  "targets": [
    {
      "target_name": "stingray_luajit",
      "sources": ["native/luajit_addon.c"],
      "cflags": ["<!@(pkg-config --cflags luajit)", "-O2", "-Wall"],
      "libraries": ["<!@(pkg-config --libs luajit)"]
    }
  ]
}
