"""Repositories that swim's targets need, for swim itself and its consumers.

A consumer's WORKSPACE uses swim with three statements:

    local_repository(name = "swim", path = "/path/to/swim")  # or any rule
    load("@swim//:deps.bzl", "swim_dependencies")
    swim_dependencies()

and then depends on "@swim//swim". Every dependency is a Debian package found
under /usr (tools/setup installs them); nothing is fetched from the network.
Repositories the consumer already defines are left alone.
"""

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

def _maybe(rule, name, **kwargs):
    if not native.existing_rule(name):
        rule(name = name, **kwargs)

def swim_dependencies():
    """Defines every repository swim's targets need, unless already defined."""
    _maybe(_stand_in_rules_cc, "rules_cc")
    _maybe(_stand_in_rules_java, "rules_java")
    _maybe(_stand_in_coverage_tools, "remote_coverage_tools")
    _maybe(
        native.new_local_repository,
        "com_google_absl",
        path = "/usr",
        build_file = "@swim//third_party:absl.BUILD",
    )
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
        "com_google_benchmark",
        path = "/usr",
        build_file = "@swim//third_party:benchmark.BUILD",
    )
