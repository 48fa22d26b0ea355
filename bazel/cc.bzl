"""cc_library, cc_binary and cc_test for swim's own targets.

The same as the native rules, except that swim's sources always compile as
C++17 (`-std=c++17` in copts, which comes after any --copt or --cxxopt on
the command line), whatever the consumer's default language level. Code that
includes swim's headers must be C++17 too, and so must a source-built
Abseil (its ABI depends on the language level); see README.md.
"""

SWIM_COPTS = ["-std=c++17"]

def cc_library(copts = [], **kwargs):
    native.cc_library(copts = SWIM_COPTS + copts, **kwargs)

def cc_binary(copts = [], **kwargs):
    native.cc_binary(copts = SWIM_COPTS + copts, **kwargs)

def cc_test(copts = [], **kwargs):
    native.cc_test(copts = SWIM_COPTS + copts, **kwargs)
