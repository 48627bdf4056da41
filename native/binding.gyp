{
  "targets": [
    {
      "target_name": "dapt_native",
      "sources": ["src/addon.c", "src/blas.c", "src/elementwise.c", "src/layernorm.c", "src/softmax.c", "src/attention.c"],
      "cflags": ["-O3", "-march=native", "-fopenmp", "-fno-math-errno", "-std=c11"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldl"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-march=native"] }
    }
  ]
}
