#!/usr/bin/env bash
# Puts the splade-fast command on PATH: publishes src/SpladeFast.Cli (Release, for this machine's runtime, using the
# installed .NET runtime) into its own folder, TorchSharp's native libraries beside it, and links the executable into
# a bin folder. Run it again after a pull to update. Needs the .NET 10 SDK.
#
#   SPLADE_FAST_HOME  where the published files go   (default ~/.local/share/splade-fast)
#   SPLADE_FAST_BIN   where the splade-fast link goes (default ~/.local/bin)
set -euo pipefail
cd "$(dirname "$0")"

home_dir="${SPLADE_FAST_HOME:-$HOME/.local/share/splade-fast}"
bin_dir="${SPLADE_FAST_BIN:-$HOME/.local/bin}"
home_dir="${home_dir%/}"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: dotnet not found: install the .NET 10 SDK first (see README.md, 'Set up and run')" >&2
  exit 1
fi
# Only ever replace a folder that holds a previous install (or nothing).
if [ -e "$home_dir" ] && [ -n "$(ls -A "$home_dir" 2>/dev/null)" ] && [ ! -f "$home_dir/splade-fast.dll" ]; then
  echo "error: $home_dir exists and is not a splade-fast install; set SPLADE_FAST_HOME to another folder" >&2
  exit 1
fi

staging="$home_dir.new"
rm -rf "$staging"
echo "publishing src/SpladeFast.Cli to $home_dir"
dotnet publish src/SpladeFast.Cli -c Release -o "$staging" --nologo
rm -rf "$home_dir.old"
if [ -e "$home_dir" ]; then mv "$home_dir" "$home_dir.old"; fi
mv "$staging" "$home_dir"
rm -rf "$home_dir.old"

mkdir -p "$bin_dir"
ln -sfn "$home_dir/splade-fast" "$bin_dir/splade-fast"
echo "linked $bin_dir/splade-fast -> $home_dir/splade-fast ($(du -sh "$home_dir" | cut -f1))"

case ":$PATH:" in
  *":$bin_dir:"*) echo "splade-fast is on PATH: try 'splade-fast --help'" ;;
  *) echo "$bin_dir is not on PATH; add it (and to ~/.bashrc or ~/.profile to keep it):"
     echo "  export PATH=\"$bin_dir:\$PATH\"" ;;
esac
