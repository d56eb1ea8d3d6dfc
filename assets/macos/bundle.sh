#!/bin/sh
# Builds Eventloom.app on a Mac (Xcode command line tools and rustup needed):
#   sh assets/macos/bundle.sh
# A universal binary (Apple silicon and Intel) in Eventloom.app/Contents/MacOS, this folder's
# Info.plist (version from Cargo.toml) and icon, the example projects in Contents/Resources
# (where the start screen looks for them), an ad-hoc signature, and a zip beside it:
# $CARGO_TARGET_DIR/macos/Eventloom.app and Eventloom-<version>-macos.zip.
# It is not notarized: on first start, right-click the app and choose Open.
set -eu
cd "$(dirname "$0")/../.."
target_dir=${CARGO_TARGET_DIR:-target}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

for triple in aarch64-apple-darwin x86_64-apple-darwin; do
    rustup target add "$triple"
    cargo build --release --locked --target "$triple"
done

app="$target_dir/macos/Eventloom.app"
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources/projects"
lipo -create -output "$app/Contents/MacOS/eventloom" \
    "$target_dir/aarch64-apple-darwin/release/eventloom" \
    "$target_dir/x86_64-apple-darwin/release/eventloom"
sed "s/@VERSION@/$version/g" assets/macos/Info.plist >"$app/Contents/Info.plist"
plutil -lint "$app/Contents/Info.plist"
cp assets/macos/eventloom.icns "$app/Contents/Resources/"
cp projects/*.ron "$app/Contents/Resources/projects/"
codesign --force --sign - "$app"
"$app/Contents/MacOS/eventloom" --version
(cd "$target_dir/macos" && ditto -c -k --keepParent Eventloom.app "Eventloom-$version-macos.zip")
echo "built $app and $target_dir/macos/Eventloom-$version-macos.zip"
