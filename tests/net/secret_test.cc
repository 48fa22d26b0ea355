// Tests of net/secret.h: the key a secret stands for, and secret files.
#include "net/secret.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace swim::net {
namespace {

TEST(SecretTest, KeyIsA32ByteFunctionOfTheSecret) {
  EXPECT_EQ(DeriveKeyFromSecret("a").size(), 32u);
  EXPECT_EQ(DeriveKeyFromSecret("a"), DeriveKeyFromSecret("a"));
  EXPECT_NE(DeriveKeyFromSecret("a"), DeriveKeyFromSecret("b"));
  EXPECT_NE(DeriveKeyFromSecret(std::string(40, 'x')), std::string(40, 'x'));
}

TEST(SecretTest, ReadsFilesStrippingOneNewline) {
  std::string path = absl::StrCat(testing::TempDir(), "/secret-", getpid());
  for (auto [contents, want] :
       {std::pair<std::string, std::string>{"abc\n", "abc"},
        {"abc\r\n", "abc"},
        {"abc\n\n", "abc\n"},
        {"abc", "abc"}}) {
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(contents.data(), 1, contents.size(), f);
    std::fclose(f);
    absl::StatusOr<std::string> secret = ReadSecretFile(path);
    ASSERT_TRUE(secret.ok()) << secret.status();
    EXPECT_EQ(*secret, want);
  }
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs("\n", f);
  std::fclose(f);
  EXPECT_FALSE(ReadSecretFile(path).ok());
  absl::StatusOr<std::string> missing = ReadSecretFile("/nonexistent/x");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/x"),
            std::string::npos);
  EXPECT_FALSE(ReadSecretFile(testing::TempDir()).ok());  // a directory
}

TEST(SecretTest, FilesOver64KiBAreRefusedWithoutReadingThemWhole) {
  // /dev/zero never ends: it used to be read until std::bad_alloc.
  absl::StatusOr<std::string> endless = ReadSecretFile("/dev/zero");
  EXPECT_EQ(endless.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(endless.status().message().find("/dev/zero: longer than 65536"),
            std::string::npos)
      << endless.status();
  std::string path = absl::StrCat(testing::TempDir(), "/big-", getpid());
  for (size_t size : {kMaxSecretFileBytes, kMaxSecretFileBytes + 1}) {
    FILE* f = std::fopen(path.c_str(), "wb");
    const std::string contents(size, 's');
    std::fwrite(contents.data(), 1, contents.size(), f);
    std::fclose(f);
    EXPECT_EQ(ReadSecretFile(path).ok(), size == kMaxSecretFileBytes) << size;
  }
}

}  // namespace
}  // namespace swim::net
