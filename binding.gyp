{
  "targets": [
    {
      "target_name": "stingray_luajit",
      "sources": ["native/luajit_addon.c", "native/dispatch_v8.cc"],
      "cflags": ["<!@(pkg-config --cflags luajit)", "-O2", "-Wall"],
      "libraries": ["<!@(pkg-config --libs luajit)"]
    }
  ]
}
