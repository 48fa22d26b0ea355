"""Repositories that swim's targets need, for swim itself and its consumers.

A consumer's WORKSPACE uses swim with three statements:

    local_repository(name = "swim", path = "/path/to/swim")  # or any rule
    load("@swim//:deps.bzl", "swim_dependencies")
    swim_dependencies()

and then depends on "@swim//swim" or "@swim//net" (README.md lists the public
targets). swim's BUILD files use the dependencies' upstream names and labels:

    @com_google_absl//absl/<package>:<target>    Abseil
    @com_google_googletest//:gtest, :gtest_main  GoogleTest and GoogleMock
    @com_github_google_benchmark//:benchmark, :benchmark_main
    @boringssl//:crypto                          BoringSSL's libcrypto

Each is defined here from a Debian package under /usr (tools/setup installs
them); nothing is fetched from the network. A repository the consumer already
defines (e.g. Abseil built from source) is left alone, and swim's targets then
build against it.
"""

load("//third_party:absl_targets.bzl", "ABSL_TARGETS")

def _stand_in_rules_cc_impl(ctx):
    # @bazel_tools loads these names from @rules_cc; Debian's rules_cc is too
    # new for Bazel 4.2.3, so forward them to the native rules.
    ctx.file("WORKSPACE", "workspace(name = \"rules_cc\")\n")
    ctx.file("BUILD", "")
    ctx.file("cc/BUILD", """
package(default_visibility = ["//visibility:public"])

alias(
    name = "toolchain_type",
    actual = "@bazel_tools//tools/cpp:toolchain_type",
)
""")
    ctx.file("cc/defs.bzl", """
def cc_binary(**kwargs):
    native.cc_binary(**kwargs)

def cc_library(**kwargs):
    native.cc_library(**kwargs)

def cc_test(**kwargs):
    native.cc_test(**kwargs)

def cc_import(**kwargs):
    native.cc_import(**kwargs)

def cc_toolchain(**kwargs):
    native.cc_toolchain(**kwargs)

def cc_toolchain_suite(**kwargs):
    native.cc_toolchain_suite(**kwargs)

def cc_proto_library(**kwargs):
    native.cc_proto_library(**kwargs)

def objc_library(**kwargs):
    native.objc_library(**kwargs)
""")

_stand_in_rules_cc = repository_rule(implementation = _stand_in_rules_cc_impl)

def _stand_in_rules_java_impl(ctx):
    # Needed only because @bazel_tools//tools/jdk:all is parsed as a
    # registered toolchain; swim has no Java.
    ctx.file("WORKSPACE", "workspace(name = \"rules_java\")\n")
    ctx.file("BUILD", "")
    ctx.file("java/BUILD", "")
    ctx.file("java/defs.bzl", """
def java_binary(**kwargs):
    native.java_binary(**kwargs)

def java_import(**kwargs):
    native.java_import(**kwargs)

def java_library(**kwargs):
    native.java_library(**kwargs)

def java_plugin(**kwargs):
    native.java_plugin(**kwargs)

def java_runtime(**kwargs):
    native.java_runtime(**kwargs)

def java_test(**kwargs):
    native.java_test(**kwargs)

def java_toolchain(**kwargs):
    native.java_toolchain(**kwargs)
""")

_stand_in_rules_java = repository_rule(implementation = _stand_in_rules_java_impl)

def _stand_in_coverage_tools_impl(ctx):
    # `bazel test` wants these labels to exist even without coverage.
    ctx.file("WORKSPACE", "workspace(name = \"remote_coverage_tools\")\n")
    ctx.file("BUILD", """
package(default_visibility = ["//visibility:public"])

filegroup(name = "coverage_report_generator")

filegroup(name = "lcov_merger")
""")

_stand_in_coverage_tools = repository_rule(implementation = _stand_in_coverage_tools_impl)

def _debian_absl_impl(ctx):
    # Abseil in upstream's package shape (absl/strings/BUILD.bazel, ...) over
    # Debian's libabsl-dev: every upstream cc_library, by its upstream name,
    # links the Debian shared library that holds its code. Headers are in
    # /usr/include/absl, on the compiler's default search path.
    ctx.file("WORKSPACE", "workspace(name = \"com_google_absl\")\n")
    ctx.file("BUILD.bazel", "# Abseil from Debian's libabsl-dev; see @swim//:deps.bzl.\n")
    for package, targets in ABSL_TARGETS.items():
        lines = [
            "# Upstream Abseil's //%s over Debian's libabsl-dev; written by" % package,
            "# @swim//:deps.bzl from @swim//third_party:absl_targets.bzl.",
            "",
        ]
        for name in sorted(targets):
            library, deps, public = targets[name]
            lines.append("cc_library(")
            lines.append("    name = %s," % repr(name))
            if library:
                lines.append("    linkopts = [%s]," % repr("-l" + library))
            if deps:
                lines.append("    deps = %s," % repr(deps))
            if public:
                lines.append("    visibility = [\"//visibility:public\"],")
            else:
                lines.append("    visibility = [\"//absl:__subpackages__\"],")
            lines.append(")")
            lines.append("")
        ctx.file(package + "/BUILD.bazel", "\n".join(lines))

_debian_absl = repository_rule(implementation = _debian_absl_impl)

def _maybe(rule, name, **kwargs):
    if not native.existing_rule(name):
        rule(name = name, **kwargs)

def swim_dependencies():
    """Defines every repository swim's targets need, unless already defined."""
    _maybe(_stand_in_rules_cc, "rules_cc")
    _maybe(_stand_in_rules_java, "rules_java")
    _maybe(_stand_in_coverage_tools, "remote_coverage_tools")
    _maybe(_debian_absl, "com_google_absl")
    _maybe(
        native.new_local_repository,
        "boringssl",
        path = "/usr",
        build_file = "@swim//third_party:boringssl.BUILD",
    )
    _maybe(
        native.new_local_repository,
        "com_google_googletest",
        path = "/usr",
        build_file = "@swim//third_party:googletest.BUILD",
    )
    _maybe(
        native.new_local_repository,
        "com_github_google_benchmark",
        path = "/usr",
        build_file = "@swim//third_party:benchmark.BUILD",
    )
