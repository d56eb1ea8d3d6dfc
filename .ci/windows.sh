#!/usr/bin/env bash
# Smoke-tests the Windows build of the headless CLI under Wine: --version, check, run --json,
# test and fmt on the example projects, each compared byte for byte (standard output, exit
# code and written files) with the Linux build's. fmt rewrites files in place through
# project::write_atomic (a temporary file renamed over the original), so it exercises the
# atomic save under Windows file semantics as Wine implements them.
#
# Usage: .ci/windows.sh WINDOWS_EXE LINUX_EXE   (run from the repository root)
set -euo pipefail

win_exe=$(realpath "$1")
linux_exe=$(realpath "$2")
work=$(mktemp -d)
trap 'WINEPREFIX="$work/prefix" wineserver -k 2>/dev/null; rm -rf "$work"' EXIT

# A private Wine prefix; no Mono/Gecko installers, no debug chatter, no window. Debian's
# wine64 runs 64-bit programs directly (the `wine` wrapper first complains about wine32).
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
wine=wine
[ -x /usr/lib/wine/wine64 ] && wine=/usr/lib/wine/wine64
"$wine" wineboot --init >/dev/null 2>&1 || true

for os in linux windows; do
    mkdir -p "$work/$os"
    cp -r projects "$work/$os/projects"
    # A file that does not parse: its error must be located the same way on both.
    printf '(\n    format_version: 1,\n    name: "Broken",\n    graph: (nodes: { "a": (name: "A", kind: Function(memroy_mb: 128)) }),\n)\n' \
        >"$work/$os/broken.ron"
done
cp "$win_exe" "$work/windows/eventloom.exe"
# Wine 8.0 lacks bcryptprimitives.dll, which Rust's std imports (see the file's comment).
x86_64-w64-mingw32-gcc -shared -O2 -o "$work/windows/bcryptprimitives.dll" \
    .ci/wine/bcryptprimitives.c -ladvapi32

# Every project in a non-canonical form (CRLF line ends) for fmt to rewrite.
make_messy() {
    mkdir -p "$1/messy"
    for f in projects/*.ron; do
        sed 's/$/\r/' "$f" >"$1/messy/$(basename "$f")"
    done
}

failed=0
# run_in DIR NAME COMMAND…: NAME.out, NAME.err and NAME.code in DIR.
run_in() {
    local dir=$1 name=$2 code=0
    shift 2
    (cd "$dir" && "$@" >"$name.out" 2>"$name.err") || code=$?
    echo "$code" >"$dir/$name.code"
}

# both NAME ARGS…: runs `eventloom ARGS…` in each folder and compares stdout and exit code.
both() {
    local name=$1
    shift
    run_in "$work/linux" "$name" "$linux_exe" "$@"
    run_in "$work/windows" "$name" "$wine" ./eventloom.exe "$@"
    same "$name: exit code ($(cat "$work/linux/$name.code"))" "$name.code"
    [ "$1" = run ] || same "$name: output" "$name.out"
}

# same LABEL FILE: FILE (relative to each folder) must be byte-identical on both.
same() {
    if cmp -s "$work/linux/$2" "$work/windows/$2"; then
        echo "  same  $1"
    else
        echo "  DIFFERENT  $1 ($2): Linux, then Windows"
        diff <(od -c "$work/linux/$2" 2>&1) <(od -c "$work/windows/$2" 2>&1) | head -n 12 || true
        echo "  Windows stderr: $(head -c 600 "$work/windows/${2%.*}.err" 2>/dev/null)"
        failed=1
    fi
}

# The icon and version resource build.rs embeds (Explorer shows them; Wine cannot tell).
python3 - "$win_exe" assets/icons/hicolor/256x256/apps/eventloom.png <<'EOF'
import sys
exe = open(sys.argv[1], "rb").read()
wanted = ["ProductName", "Eventloom", "ProductVersion", "OriginalFilename", "eventloom.exe"]
missing = [s for s in wanted if s.encode("utf-16-le") not in exe]
if open(sys.argv[2], "rb").read() not in exe:
    missing.append("the 256 px icon image")
if missing:
    sys.exit("  the .exe lacks its resources: " + ", ".join(missing))
print("  the .exe carries its icon and version resource")
EOF

projects=(projects/*.ron)
both version --version
echo "    $(cat "$work/windows/version.out")"
both check check "${projects[@]}"
both check-broken check broken.ron
for p in "${projects[@]}"; do
    name=run-$(basename "$p" .ron)
    both "$name" run "$p" --json "$name.json"
    same "$name: JSON report" "$name.json"
    # The summary's last line times the run on the wall clock; everything else must match.
    for os in linux windows; do
        grep -v ' s wall (' "$work/$os/$name.out" >"$work/$os/$name.summary" || true
    done
    same "$name: summary without its wall-clock line" "$name.summary"
done
both test test "${projects[@]}"

make_messy "$work/linux"
make_messy "$work/windows"
messy=()
for p in "${projects[@]}"; do messy+=("messy/$(basename "$p")"); done
both fmt fmt "${messy[@]}"
for p in "${messy[@]}"; do
    same "fmt: $p" "$p"
    cmp -s "$work/windows/$p" "projects/$(basename "$p")" || {
        echo "  fmt did not restore the canonical $p"
        failed=1
    }
done
both fmt-check fmt --check "${messy[@]}"
if compgen -G "$work/windows/messy/*.tmp*" >/dev/null; then
    echo "  fmt left temporary files behind: $(ls "$work/windows/messy")"
    failed=1
fi

if [ "$failed" -ne 0 ]; then
    echo "The Windows build differs from the Linux build (above)."
    exit 1
fi
echo "The Windows build under Wine gives the same bytes as the Linux build."
