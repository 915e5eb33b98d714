#!/usr/bin/env bash
# Assembles the root file system of Ferry's container image, without a Docker daemon or any
# container registry (none is reachable from the build machines):
#   /opt/java  a Java runtime cut down by jlink from the build JDK (a copy of it if the JDK has no jmods)
#   /lib*      the shared libraries that runtime needs, from Debian's own packages
#              (apt-get download; the installed copies of the same packages when offline)
#   /etc       passwd and group with the unprivileged user ferry (10001), /etc/ferry for the config,
#              os-release (Debian's, whose packages these are)
#   /var/lib/dpkg/status.d  each package's control fields and checksums, for vulnerability scanners
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
rm -rf "$rootfs" "$stamp" "$out/apt-download.failed"
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
rm -rf "$debs" # a package downloaded by an earlier build may since have a newer version
mkdir -p "$debs"
if (cd "$debs" && apt-get download "${packages[@]}" >"$out/apt-download.log" 2>&1); then
  for deb in "$debs"/*.deb; do
    dpkg-deb -x "$deb" "$rootfs"
  done
else
  echo "build-rootfs: apt-get download failed (see $out/apt-download.log); copying the installed packages' files"
  touch "$out/apt-download.failed"
  for p in "${packages[@]}"; do
    dpkg -L "$p" | while read -r f; do
      if [[ -f "$f" && ! -d "$f" ]]; then
        mkdir -p "$rootfs$(dirname "$f")"
        cp -a "$f" "$rootfs$f"
      fi
    done
  done
fi
# What vulnerability scanners read (Trivy, Grype, Clair): the distribution in /etc/os-release, and each
# package's control fields and file checksums in /var/lib/dpkg/status.d/, the layout distroless images use
# for an image without dpkg. The runtime in /opt/java is cut from the build JDK's Debian package, so that
# package is recorded too: an advisory against it applies to the image.
status_d="$rootfs/var/lib/dpkg/status.d"
mkdir -p "$status_d" "$rootfs/etc"
cp "$(readlink -f /etc/os-release)" "$rootfs/etc/os-release"
record_package() { # <package> <control fields> <md5sums file or ->
  { printf '%s\n' "$2" | grep -v '^Status:'; echo "Status: install ok installed"; } >"$status_d/$1"
  if [[ "$3" != "-" && -s "$3" ]]; then cp "$3" "$status_d/$1.md5sums"; fi
}
installed_md5sums() { # <package> -> its md5sums file in dpkg's database (multi-arch packages carry :arch)
  local f
  for f in "/var/lib/dpkg/info/$1:$(dpkg --print-architecture).md5sums" "/var/lib/dpkg/info/$1.md5sums"; do
    if [[ -s "$f" ]]; then echo "$f"; return; fi
  done
  echo -
}
if compgen -G "$debs/*.deb" >/dev/null && [[ ! -s "$out/apt-download.failed" ]]; then
  for deb in "$debs"/*.deb; do
    name="$(dpkg-deb -f "$deb" Package)"
    dpkg-deb -I "$deb" md5sums >"$out/$name.md5sums" 2>/dev/null || rm -f "$out/$name.md5sums"
    record_package "$name" "$(dpkg-deb -f "$deb")" "$( [[ -s "$out/$name.md5sums" ]] && echo "$out/$name.md5sums" || echo -)"
  done
else
  for p in "${packages[@]}"; do
    record_package "$p" "$(dpkg-query -s "$p")" "$(installed_md5sums "$p")"
  done
fi
if runtime_package="$(dpkg -S "$(readlink -f "$java_home/bin/java")" 2>/dev/null | cut -d: -f1)" && [[ -n "$runtime_package" ]]; then
  record_package "$runtime_package" "$(dpkg-query -s "$runtime_package")" "$(installed_md5sums "$runtime_package")"
else
  echo "build-rootfs: $java_home belongs to no Debian package; scanners find the runtime by /opt/java/release only"
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
