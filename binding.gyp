{
  "targets": [
    {
      "target_name": "tdmpc2",
      "sources": [
        "<!@(node -p \"['native/cpu', 'native/binding'].flatMap(d => require('fs').readdirSync(d).filter(f => f.endsWith('.cc')).sort().map(f => d + '/' + f)).join(' ')\")"
      ],
      "include_dirs": [
        "native/include",
        "native/cpu",
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "TDMPC2_BUILDER=\"node-gyp\""
      ],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=c++17", "-O2"],
      "cflags": ["-O3", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fno-math-errno", "-ffp-contract=fast"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3"],
      "libraries": ["-ldl"]
    }
  ]
}
