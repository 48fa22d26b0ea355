"""A fuzz target's binary and its corpus replay, from one cc_library.

    swim_fuzzer(name = "codec_fuzz", target = ":codec_fuzz_target")

defines :codec_fuzz, a libFuzzer binary under --config=fuzz and a replayer
of the files it is given otherwise, and :codec_fuzz_corpus_test, which
replays the checked-in codec_fuzz_corpus/ in every build. `target` holds
LLVMFuzzerTestOneInput (alwayslink).
"""

def swim_fuzzer(name, target):
    native.cc_binary(
        name = name,
        testonly = True,
        linkopts = select({
            "//tests/testing:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        deps = [target] + select({
            "//tests/testing:fuzzing": [],
            "//conditions:default": ["//tests/testing:fuzz_replay_main"],
        }),
    )
    native.cc_test(
        name = name + "_corpus_test",
        args = ["%s/%s_corpus" % (native.package_name(), name)],
        data = native.glob([name + "_corpus/*"]),
        deps = [
            target,
            "//tests/testing:fuzz_replay_main",
        ],
    )
