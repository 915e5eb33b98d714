#!/usr/bin/env bash
# Assembles the root file system of Ferry's container image, without a Docker daemon or any
# container registry (none is reachable from the build machines):
#   /opt/java  a Java runtime cut down by jlink from the build JDK (a copy of it if the JDK has no jmods)
#   /lib*      the shared libraries that runtime needs, from Debian's own packages
#              (apt-get download; the installed copies of the same packages when offline)
#   /etc       passwd and group with the unprivileged user ferry (10001), /etc/ferry for the config
#   /tmp       writable scratch (sqlite-jdbc and the Kafka compression codecs unpack native code there)
# Jib then layers the application on top of it (see the 'image' profile in cli/pom.xml).
# Usage: build-rootfs.sh <output-dir>   (writes <output-dir>/rootfs; reuses it when the script is unchanged)
set -euo pipefail

out="${1:?usage: build-rootfs.sh <output-dir>}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rootfs="$out/rootfs"
stamp="$out/rootfs.stamp"
script="${BASH_SOURCE[0]}"
# The package set and the module list below decide what is in the image; rebuild when they change.
if [[ -f "$stamp" && "$stamp" -nt "$script" && -x "$rootfs/opt/java/bin/java" ]]; then
  echo "build-rootfs: $rootfs is up to date"
  exit 0
fi
rm -rf "$rootfs" "$stamp"
mkdir -p "$rootfs"

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
# Everything a Java SE application may use except java.desktop (whose AWT libraries would drag in X11),
# plus the JDK modules Kafka, Netty and the JDBC drivers reach for at run time.
modules="java.base,java.compiler,java.datatransfer,java.instrument,java.logging,java.management,java.management.rmi"
modules+=",java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql"
modules+=",java.sql.rowset,java.transaction.xa,java.xml,java.xml.crypto,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.jfr"
modules+=",jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs,jdk.localedata"
mkdir -p "$rootfs/opt"
if [[ -d "$java_home/jmods" ]]; then
  echo "build-rootfs: jlink from $java_home"
  "$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" \
    --strip-debug --no-header-files --no-man-pages --compress=2 --output "$rootfs/opt/java"
else
  # Debian splits the jmods into openjdk-17-jmods; without them ship the JDK's runtime whole.
  echo "build-rootfs: $java_home has no jmods (install openjdk-17-jmods for a smaller image); copying the runtime"
  cp -rL "$java_home" "$rootfs/opt/java"
  rm -rf "$rootfs/opt/java/jmods" "$rootfs/opt/java/man" "$rootfs/opt/java/include" "$rootfs/opt/java/src.zip"
fi
# Debian's JDK points cacerts at /etc/ssl/certs/java; the image carries the file itself.
if [[ -L "$rootfs/opt/java/lib/security/cacerts" || ! -s "$rootfs/opt/java/lib/security/cacerts" ]]; then
  cp --remove-destination "$(readlink -f "$java_home/lib/security/cacerts")" "$rootfs/opt/java/lib/security/cacerts"
fi

# libc6 (libc, libm, the loader), libgcc-s1 and libstdc++6 (libjvm), zlib1g (libzip).
packages=(libc6 libgcc-s1 libstdc++6 zlib1g)
debs="$out/debs"
mkdir -p "$debs"
if (cd "$debs" && apt-get download "${packages[@]}" >"$out/apt-download.log" 2>&1); then
  for deb in "$debs"/*.deb; do
    dpkg-deb -x "$deb" "$rootfs"
  done
else
  echo "build-rootfs: apt-get download failed (see $out/apt-download.log); copying the installed packages' files"
  for p in "${packages[@]}"; do
    dpkg -L "$p" | while read -r f; do
      if [[ -f "$f" && ! -d "$f" ]]; then
        mkdir -p "$rootfs$(dirname "$f")"
        cp -a "$f" "$rootfs$f"
      fi
    done
  done
fi
rm -rf "$rootfs/usr/share" "$rootfs/usr/lib/x86_64-linux-gnu/gconv" "$rootfs/usr/libexec" "$rootfs/sbin" "$rootfs/usr/bin"

# Jib copies the targets of symbolic links, not the links; resolve each one inside the root file
# system (never on the build host, whose libraries may differ) and put a real file in its place.
resolve() { # <path inside rootfs> -> prints the final target inside rootfs
  local p="$1" n=0 t
  while [[ -L "$rootfs$p" && $n -lt 20 ]]; do
    t="$(readlink "$rootfs$p")"
    if [[ "$t" == /* ]]; then p="$t"; else p="$(dirname "$p")/$t"; fi
    p="$(realpath -m -s "$p")"
    n=$((n + 1))
  done
  echo "$p"
}
while IFS= read -r link; do
  rel="${link#"$rootfs"}"
  target="$(resolve "$rel")"
  if [[ -e "$rootfs$target" ]]; then
    rm "$link"
    cp -a "$rootfs$target" "$link"
  else
    rm "$link" # a dangling link (e.g. into the docs removed above)
  fi
done < <(find "$rootfs" -type l)

mkdir -p "$rootfs/etc/ferry" "$rootfs/tmp" "$rootfs/var/lib/ferry" "$rootfs/dev" "$rootfs/proc"
cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
ferry:x:10001:10001:ferry:/var/lib/ferry:/sbin/nologin
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
ferry:x:10001:
GROUP
echo "hosts: files dns" >"$rootfs/etc/nsswitch.conf"
touch "$stamp"
echo "build-rootfs: $rootfs ($(du -sh "$rootfs" | cut -f1))"
