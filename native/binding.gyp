{
  "variables": {
    "dapt_sources": ["src/addon.c", "src/args.c", "src/blas.c", "src/gemm.c", "src/elementwise.c", "src/layernorm.c", "src/softmax.c", "src/attention.c"],
    "dapt_cflags": ["-O3", "-fopenmp", "-fno-math-errno", "-std=c11"]
  },
  "targets": [
    {
      "target_name": "dapt_native",
      "sources": ["<@(dapt_sources)"],
      "cflags": ["<@(dapt_cflags)"],
      "defines": ["DAPT_VARIANT=\"baseline\""],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldl"],
      "conditions": [["target_arch=='x64'", { "cflags": ["-march=x86-64-v2", "-mtune=generic"] }]],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3"] }
    },
    {
      "target_name": "dapt_native_avx2",
      "sources": ["<@(dapt_sources)"],
      "cflags": ["<@(dapt_cflags)"],
      "defines": ["DAPT_VARIANT=\"avx2\""],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldl"],
      "conditions": [["target_arch=='x64'", { "cflags": ["-march=x86-64-v3", "-mtune=generic"] }]],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3"] }
    }
  ]
}
