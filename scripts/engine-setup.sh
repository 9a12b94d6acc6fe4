#!/usr/bin/env bash
# Prepares a real container engine for the engine-backed tests, as root on Debian
# bookworm, with no registry: only Debian's apt repositories are reachable, so every
# base image a test Dockerfile names is made here, from Debian packages.
#
#   bash scripts/engine-setup.sh [--podman] [--rebuild] [--no-images]
#
#   --podman     also install podman and copy the base images into its storage
#   --rebuild    rebuild every base image even if it exists with the current recipe
#   --no-images  install and start the engine only
#
# Environment: DOCKERFILE_SLIM_CACHE (default /var/cache/dockerfile-slim: the debootstrap
# tarball, downloaded .debs), DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, DOCKERD_LOG
# (default /tmp/dockerfile-slim-dockerd.log).
#
# Idempotent and fast when already done (a few `docker image inspect`s). Concurrent
# runs wait for each other (flock). Always /usr/bin/docker, the engine's own client:
# /usr/local/bin/docker on some images insists on buildx, which is not installable here.
#
# Images (all linux/amd64, made with `docker import`):
#   debian:bookworm-slim                  debootstrap --variant=minbase, slimmed like the real one
#   busybox:latest                        Debian's busybox-static, applets linked in /bin
#   golang:1.19, golang:bookworm          Debian bookworm's golang-go (Go 1.19) + gcc, libc6-dev (cgo on)
#   gcc:12                                Debian + gcc/g++ 12, libc6-dev, make
#   dockerfile-slim/musl-builder:bookworm Debian + gcc + musl-tools (musl-gcc); NOT alpine
#   dockerfile-slim/musl-runtime:latest   musl's loader /lib/ld-musl-x86_64.so.1 + static busybox
#   gcr.io/distroless/{static,base,cc}-debian12, alpine:3.20
#                                         stand-ins for the runtime images "slim" chooses, built
#                                         from the files of gcc:12's Debian packages (distroless:
#                                         CA bundle, passwd with nonroot 65532; base + libc6,
#                                         libssl3; cc + libgcc-s1, libgomp1, libstdc++6) and from
#                                         musl-runtime + the CA bundle + addgroup/adduser (alpine). Labelled
#                                         org.opencontainers.image.description=local stand-in ...
# Each carries the label org.dockerfile-slim.recipe; when RECIPE below changes, reruns
# rebuild (test/support/engine.ts reads the same number).
set -euo pipefail
cd "$(dirname "$0")/.."

RECIPE=1
DOCKER=/usr/bin/docker
DOCKERD=/usr/sbin/dockerd
CACHE=${DOCKERFILE_SLIM_CACHE:-/var/cache/dockerfile-slim}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
DOCKERD_LOG=${DOCKERD_LOG:-/tmp/dockerfile-slim-dockerd.log}
LABEL=org.dockerfile-slim.recipe
export DEBIAN_FRONTEND=noninteractive

want_podman=false rebuild=false want_images=true
for arg in "$@"; do
  case "$arg" in
    --podman) want_podman=true ;;
    --rebuild) rebuild=true ;;
    --no-images) want_images=false ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "engine-setup: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

SETUP_NAME=engine-setup
# shellcheck source=scripts/setup-lib.sh
source scripts/setup-lib.sh
[ "$(uname -s)" = Linux ] || die "needs Linux"
[ "$(id -u)" = 0 ] || die "needs root (installs packages, starts dockerd, runs debootstrap)"

take_lock 1200

# ---------------------------------------------------------------- packages
host_packages() {
  local missing=()
  [ -x $DOCKER ] && [ -x $DOCKERD ] || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
  command -v wget >/dev/null || missing+=(wget)
  command -v flock >/dev/null || missing+=(util-linux)
  # A registry on localhost, so a pulled image has a registry digest ("Pin to digest" tests).
  [ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
  if $want_podman; then command -v podman >/dev/null || missing+=(podman); fi
  [ ${#missing[@]} -eq 0 ] && return 0
  step "apt-get install ${missing[*]}" apt_install "${missing[@]}"
}
host_packages

# ---------------------------------------------------------------- engine
engine_answers() { timeout 10 $DOCKER info >/dev/null 2>&1; }
start_engine() {
  # setsid: the daemon outlives this script and the test process that ran it.
  # 9>&-: it must not inherit (and so hold forever) this script's lock.
  setsid $DOCKERD --iptables=false --bridge=none >>"$DOCKERD_LOG" 2>&1 </dev/null 9>&- &
  local pid=$! deadline=$((SECONDS + 60))
  until engine_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$DOCKERD_LOG" >&2
      die "dockerd exited during start-up (log: $DOCKERD_LOG)"
    fi
    [ $SECONDS -lt $deadline ] || { tail -n 20 "$DOCKERD_LOG" >&2; die "dockerd (pid $pid) did not answer 'docker info' within 60 s (log: $DOCKERD_LOG)"; }
    sleep 0.3
  done
}
if ! engine_answers; then
  step "start dockerd (log $DOCKERD_LOG)" start_engine
fi

# ---------------------------------------------------------------- images
image_current() { # TAG: exists with the current recipe
  $rebuild && return 1
  [ "$($DOCKER image inspect --format "{{index .Config.Labels \"$LABEL\"}}" "$1" 2>/dev/null)" = "$RECIPE" ]
}
any_missing() { local tag; for tag in "$@"; do image_current "$tag" || return 0; done; return 1; }
built=()
import_dir() { # DIR TAG [--change ...]: tar the rootfs into the engine as TAG
  local dir=$1 tag=$2 t=$EPOCHREALTIME
  shift 2
  tar --numeric-owner -C "$dir" -cf - . | $DOCKER import --change "LABEL $LABEL=$RECIPE" "$@" - "$tag" >/dev/null
  imported "$tag"
  echo "engine-setup:   docker import $tag ($(elapsed "$t") s)"
}
tag_also() { $DOCKER tag "$1" "$2"; imported "$2"; }
# Remember TAG as built; drop the image it replaced (--rebuild, recipe change) unless still in use.
declare -A replaced=()
remember_old() { local tag; for tag in "$@"; do replaced[$tag]=$($DOCKER image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true); done; }
imported() {
  local old=${replaced[$1]:-}
  built+=("$1")
  if [ -n "$old" ] && [ "$old" != "$($DOCKER image inspect --format '{{.Id}}' "$1")" ] \
    && [ "$($DOCKER image inspect --format '{{len .RepoTags}}' "$old" 2>/dev/null)" = 0 ]; then
    $DOCKER rmi "$old" >/dev/null 2>&1 || true
  fi
}

DEB_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
BASE_TAR=$CACHE/bookworm-minbase-r$RECIPE.tar
WORK=$CACHE/work
mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" 2>/dev/null || true
  done
  mounts=()
  # Never delete through a mount point that is still there (it could be the host's /dev).
  if [ -d "$WORK" ] && ! grep -q " $WORK/" /proc/self/mountinfo; then rm -rf --one-file-system "$WORK"; fi
}
trap cleanup EXIT

# The debootstrapped rootfs, slimmed like Docker's official debian:*-slim (debuerreotype
# --slimify: no docs but copyright files, no man pages, no locales), with apt sources
# for bookworm, bookworm-updates and bookworm-security, and no apt lists. Cached.
make_base_tar() {
  local dir=$WORK/minbase
  rm -rf --one-file-system "$dir"
  mkdir -p "$dir"
  debootstrap --variant=minbase --arch=amd64 bookworm "$dir" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -n 20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
  cat >"$dir/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# As in Docker's official debian:*-slim images.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
  find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$dir"/usr/share/{man,groff,info,lintian,linda,locale}/*
  rm -f "$dir/etc/apt/sources.list"
  cat >"$dir/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "${dir:?}"/var/lib/apt/lists/* "${dir:?}"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
    "${dir:?}"/var/log/* "${dir:?}"/tmp/* "${dir:?}"/dev/* "${dir:?}/debootstrap"
  mkdir -p "$dir/var/lib/apt/lists/partial"
  : >"$dir/etc/resolv.conf"
  : >"$dir/etc/hostname"
  rm -f "$CACHE"/bookworm-minbase-r*.tar # tarballs of other recipes
  tar --numeric-owner -C "$dir" -cf "$BASE_TAR.tmp" . && mv "$BASE_TAR.tmp" "$BASE_TAR"
  rm -rf --one-file-system "$dir"
}

debian_image() {
  $DOCKER import --change "LABEL $LABEL=$RECIPE" --change "ENV PATH=$DEB_PATH" --change 'CMD ["bash"]' \
    "$BASE_TAR" debian:bookworm-slim >/dev/null
  imported debian:bookworm-slim
}

# A chroot on a copy of the base rootfs, with apt's lists and downloaded packages
# shared through the cache so each package is fetched once.
chroot_dir=
chroot_open() { # NAME: a fresh copy of the base rootfs, entered
  chroot_dir=$WORK/$1
  rm -rf --one-file-system "$chroot_dir"
  mkdir -p "$chroot_dir" "$CACHE/apt/lists/partial" "$CACHE/apt/archives/partial"
  tar -C "$chroot_dir" -xf "$BASE_TAR"
  chroot_enter
}
chroot_enter() { # (again after chroot_seal, to install more)
  cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$chroot_dir/usr/sbin/policy-rc.d"
  chmod +x "$chroot_dir/usr/sbin/policy-rc.d"
  # No fsync per file while building (removed again by chroot_seal).
  echo force-unsafe-io >"$chroot_dir/etc/dpkg/dpkg.cfg.d/zz-engine-setup-unsafe-io"
  mount -t proc proc "$chroot_dir/proc" && mounts+=("$chroot_dir/proc")
  mount --bind /dev "$chroot_dir/dev" && mounts+=("$chroot_dir/dev")
  mount --bind "$CACHE/apt/lists" "$chroot_dir/var/lib/apt/lists" && mounts+=("$chroot_dir/var/lib/apt/lists")
  mount --bind "$CACHE/apt/archives" "$chroot_dir/var/cache/apt/archives" && mounts+=("$chroot_dir/var/cache/apt/archives")
  if ! ${chroot_updated:-false}; then
    : >"$APT_LOG"
    chroot "$chroot_dir" apt-get update -qq >>"$APT_LOG" 2>&1 || { tail -n 20 "$APT_LOG" >&2; die "apt-get update in the chroot failed (is $MIRROR reachable? log: $APT_LOG)"; }
    chroot_updated=true
  fi
}
APT_LOG=$CACHE/chroot-apt.log
chroot_install() {
  local t=$EPOCHREALTIME
  chroot "$chroot_dir" apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "$@" >>"$APT_LOG" 2>&1 \
    || { tail -n 20 "$APT_LOG" >&2; die "apt-get install $* in the chroot failed (log: $APT_LOG)"; }
  echo "engine-setup:   apt-get install $* ($(elapsed "$t") s)"
}
# Unmount and clean what a real image would not contain; the dir stays for import_dir.
chroot_seal() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[$i]}"; done
  mounts=()
  rm -f "$chroot_dir/usr/sbin/policy-rc.d" "$chroot_dir/etc/dpkg/dpkg.cfg.d/zz-engine-setup-unsafe-io"
  : >"$chroot_dir/etc/resolv.conf"
  rm -rf "$chroot_dir"/var/log/apt/* "$chroot_dir"/var/log/*.log "$chroot_dir"/var/cache/debconf/*-old \
    "$chroot_dir"/tmp/* "$chroot_dir"/var/cache/apt/*.bin "$chroot_dir"/root/.cache
}
chroot_close() { rm -rf --one-file-system "$chroot_dir"; chroot_dir=; }

C_PACKAGES=(gcc g++ libc6-dev make pkg-config ca-certificates)
gcc_and_musl_images() {
  chroot_open gcc
  chroot_install "${C_PACKAGES[@]}"
  if any_missing gcc:12; then
    local version
    version=$(chroot "$chroot_dir" gcc -dumpfullversion)
    chroot_seal
    import_dir "$chroot_dir" gcc:12 --change "ENV PATH=$DEB_PATH" --change "ENV GCC_VERSION=$version" --change 'CMD ["bash"]'
    if any_missing dockerfile-slim/musl-builder:bookworm; then chroot_enter; else chroot_close; return 0; fi
  fi
  chroot_install musl-tools
  chroot_seal
  import_dir "$chroot_dir" dockerfile-slim/musl-builder:bookworm --change "ENV PATH=$DEB_PATH" --change 'CMD ["bash"]'
  chroot_close
}

GO_PATH=/go/bin:/usr/local/go/bin:/usr/lib/go/bin:$DEB_PATH
golang_image() {
  chroot_open golang
  chroot_install golang-go gcc libc6-dev make pkg-config ca-certificates
  mkdir -p "$chroot_dir/go/src" "$chroot_dir/go/bin"
  chmod -R 1777 "$chroot_dir/go"
  local version
  version=$(chroot "$chroot_dir" /usr/bin/go env GOVERSION)
  rm -rf "$chroot_dir/root/.cache" "$chroot_dir/root/.config"
  chroot_seal
  version=${version#go}
  case "$version" in 1.19*) ;; *) die "Debian's golang-go is Go $version, not 1.19: the golang:1.19 tag would lie (update this script)" ;; esac
  # GOPROXY=off, GOSUMDB=off: no module proxy is reachable; builds must be self-contained.
  # GOTOOLCHAIN=local: a newer Go would otherwise try to download the go.mod toolchain.
  import_dir "$chroot_dir" golang:1.19 \
    --change "ENV PATH=$GO_PATH" --change "ENV GOLANG_VERSION=$version" --change 'ENV GOPATH=/go' \
    --change 'ENV GOPROXY=off' --change 'ENV GOSUMDB=off' --change 'ENV GOFLAGS=-mod=mod' \
    --change 'ENV GOTOOLCHAIN=local' --change 'WORKDIR /go' --change 'CMD ["bash"]'
  tag_also golang:1.19 golang:bookworm
  chroot_close
}

# Debian's busybox-static and musl packages, unpacked (not installed on the host).
unpacked() { # PACKAGE -> prints the directory holding the unpacked .deb
  local pkg=$1 dir=$CACHE/unpacked/$1
  if [ ! -e "$dir/.done" ]; then
    rm -rf "$dir" && mkdir -p "$dir/deb"
    apt_update
    (cd "$dir/deb" && apt-get download -qq "$pkg" >/dev/null 2>&1) || { apt_updated=false; apt_update; (cd "$dir/deb" && apt-get download -qq "$pkg" >/dev/null); } \
      || die "apt-get download $pkg failed"
    dpkg-deb -x "$dir"/deb/*.deb "$dir/root"
    touch "$dir/.done"
  fi
  echo "$dir/root"
}
busybox_rootfs() { # DIR: static busybox with its applets in /bin, root and nobody users
  local dir=$1 bb applet
  bb=$(unpacked busybox-static)/bin/busybox
  [ -x "$bb" ] || die "busybox-static has no /bin/busybox"
  mkdir -p "$dir"/{bin,etc,root,tmp,home,var,dev,proc,sys}
  chmod 1777 "$dir/tmp"
  chmod 700 "$dir/root"
  cp "$bb" "$dir/bin/busybox"
  for applet in $("$bb" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$dir/etc/group"
  : >"$dir/etc/resolv.conf"
}
busybox_image() {
  local dir=$WORK/busybox
  rm -rf "$dir"
  busybox_rootfs "$dir"
  import_dir "$dir" busybox:latest --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["sh"]'
  rm -rf "$dir"
}
musl_runtime_image() {
  local dir=$WORK/musl-runtime musl loader
  rm -rf "$dir"
  busybox_rootfs "$dir"
  musl=$(unpacked musl)
  loader=$(readlink -f "$musl/lib/ld-musl-x86_64.so.1" 2>/dev/null || true)
  # The symlink in the package is absolute (/usr/lib/x86_64-linux-musl/libc.so): resolve it inside the package.
  [ -f "$loader" ] || loader=$musl/usr/lib/x86_64-linux-musl/libc.so
  [ -f "$loader" ] || die "the musl package has no loader"
  mkdir -p "$dir/lib"
  cp "$loader" "$dir/lib/ld-musl-x86_64.so.1"
  ln -s ld-musl-x86_64.so.1 "$dir/lib/libc.musl-x86_64.so.1"
  import_dir "$dir" dockerfile-slim/musl-runtime:latest --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["sh"]'
  rm -rf "$dir"
}

# Stand-ins for the runtime images `dockerfile-slim slim` chooses (no registry to pull them from).
STANDIN_DESCRIPTION='org.opencontainers.image.description=local stand-in built by dockerfile-slim'
DISTROLESS_STANDINS=(gcr.io/distroless/static-debian12:latest gcr.io/distroless/base-debian12:latest gcr.io/distroless/cc-debian12:latest)
standin_build() { # TARGET TAG [CONTEXT]: a stage of the Dockerfile on stdin (classic builder) as TAG
  local target=$1 tag=$2 context=${3:--} t=$EPOCHREALTIME
  DOCKER_BUILDKIT=0 $DOCKER build --network none ${target:+--target "$target"} --label "$LABEL=$RECIPE" --label "$STANDIN_DESCRIPTION" -t "$tag" -f - "$context" >"$CACHE/standin-build.log" 2>&1 \
    || { tail -n 20 "$CACHE/standin-build.log" >&2; die "docker build of the stand-in $tag failed (log: $CACHE/standin-build.log)"; }
  imported "$tag"
  echo "engine-setup:   docker build $tag ($(elapsed "$t") s)"
}
# The files of Debian packages installed in gcc:12, listed by `dpkg -L` (distroless is made from .debs too).
DISTROLESS_DOCKERFILE=$(cat <<'DOCKERFILE'
FROM gcc:12 AS files
RUN set -e; \
    copy_packages() { dest=$1; shift; for p in "$@"; do dpkg -L "$p"; done | while read -r f; do if [ ! -d "$f" ] && { [ -f "$f" ] || [ -L "$f" ]; }; then cp -a --parents "$f" "$dest"; fi; done; }; \
    s=/rootfs/static; mkdir -p $s/etc/ssl/certs $s/tmp $s/home/nonroot $s/root; chmod 1777 $s/tmp; chown 65532:65532 $s/home/nonroot; \
    cp /etc/ssl/certs/ca-certificates.crt $s/etc/ssl/certs/; \
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >$s/etc/passwd; \
    printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >$s/etc/group; \
    cp -a $s /rootfs/base; copy_packages /rootfs/base libc6 libssl3; \
    cp -a /rootfs/base /rootfs/cc; copy_packages /rootfs/cc libgcc-s1 libgomp1 libstdc++6
FROM scratch AS static
COPY --from=files /rootfs/static /
FROM scratch AS base
COPY --from=files /rootfs/base /
FROM scratch AS cc
COPY --from=files /rootfs/cc /
DOCKERFILE
)
distroless_images() {
  local tag kind
  for tag in "${DISTROLESS_STANDINS[@]}"; do
    kind=${tag#gcr.io/distroless/}
    standin_build "${kind%%-*}" "$tag" <<<"$DISTROLESS_DOCKERFILE"
  done
}
# Debian's busybox has no addgroup/adduser applets: two small scripts do what
# `addgroup -S NAME` and `adduser -S [-G GROUP] NAME` do in alpine (system ids from 100).
ALPINE_ADDGROUP='#!/bin/sh
name=$(eval echo "\${$#}"); gid=101
while cut -d: -f3 /etc/group | grep -qx "$gid"; do gid=$((gid + 1)); done
echo "$name:x:$gid:" >>/etc/group'
ALPINE_ADDUSER='#!/bin/sh
group=; while getopts SDHG:u:h:s:g: opt; do [ "$opt" = G ] && group=$OPTARG; done; shift $((OPTIND - 1)); name=$1; uid=100
while cut -d: -f3 /etc/passwd | grep -qx "$uid"; do uid=$((uid + 1)); done
gid=$(grep "^${group:-nogroup}:" /etc/group | cut -d: -f3); echo "$name:x:$uid:${gid:-65533}:Linux User,,,:/home/$name:/sbin/nologin" >>/etc/passwd'
alpine_image() {
  local dir=$WORK/alpine-standin
  rm -rf "$dir" && mkdir -p "$dir"
  printf '%s\n' "$ALPINE_ADDGROUP" >"$dir/addgroup"
  printf '%s\n' "$ALPINE_ADDUSER" >"$dir/adduser"
  chmod 755 "$dir/addgroup" "$dir/adduser"
  standin_build '' alpine:3.20 "$dir" <<<$'FROM dockerfile-slim/musl-runtime:latest\nCOPY --from=gcc:12 /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\nCOPY addgroup adduser /usr/sbin/'
  rm -rf "$dir"
}

ALL_IMAGES=(debian:bookworm-slim busybox:latest golang:1.19 golang:bookworm gcc:12
  dockerfile-slim/musl-builder:bookworm dockerfile-slim/musl-runtime:latest
  "${DISTROLESS_STANDINS[@]}" alpine:3.20)
if $want_images; then
  remember_old "${ALL_IMAGES[@]}"
  if any_missing debian:bookworm-slim golang:1.19 golang:bookworm gcc:12 dockerfile-slim/musl-builder:bookworm; then
    [ -f "$BASE_TAR" ] || step "debootstrap bookworm (cached in $BASE_TAR)" make_base_tar
  fi
  if any_missing debian:bookworm-slim; then step "image debian:bookworm-slim" debian_image; fi
  if any_missing busybox:latest; then step "image busybox:latest" busybox_image; fi
  if any_missing dockerfile-slim/musl-runtime:latest; then step "image dockerfile-slim/musl-runtime:latest" musl_runtime_image; fi
  if any_missing gcc:12 dockerfile-slim/musl-builder:bookworm; then step "images gcc:12, dockerfile-slim/musl-builder:bookworm" gcc_and_musl_images; fi
  if any_missing golang:1.19 golang:bookworm; then step "images golang:1.19, golang:bookworm" golang_image; fi
  if any_missing "${DISTROLESS_STANDINS[@]}"; then step "stand-ins ${DISTROLESS_STANDINS[*]}" distroless_images; fi
  if any_missing alpine:3.20; then step "stand-in alpine:3.20" alpine_image; fi
fi

# ---------------------------------------------------------------- podman
# crun fails RUN steps here ("cgroups in hybrid mode not supported"); runc works.
if $want_podman && ! grep -qs '^runtime *= *"runc"' /etc/containers/containers.conf; then
  mkdir -p /etc/containers
  if grep -qs '^\[engine\]' /etc/containers/containers.conf; then
    sed -i '/^\[engine\]/a runtime = "runc"' /etc/containers/containers.conf
  else
    printf '[engine]\nruntime = "runc"\n' >> /etc/containers/containers.conf
  fi
fi
if $want_podman && $want_images; then
  # Podman stores `docker save` images as localhost/NAME; real references resolve to
  # docker.io/library/NAME, so the images get that name too. Same image ids as Docker's.
  # Names with a registry (gcr.io/…) are loaded under that name already.
  qualified() {
    case "$1" in
      *.*/*|*:*/*|localhost/*) echo "$1" ;;
      */*) echo "docker.io/$1" ;;
      *) echo "docker.io/library/$1" ;;
    esac
  }
  podman_missing=()
  for tag in "${ALL_IMAGES[@]}"; do
    id=$($DOCKER image inspect --format '{{.Id}}' "$tag")
    [ "$(podman image inspect --format '{{.Id}}' "$(qualified "$tag")" 2>/dev/null)" = "${id#sha256:}" ] || podman_missing+=("$tag")
  done
  copy_to_podman() {
    $DOCKER save "${podman_missing[@]}" | podman load -q >/dev/null || die "podman load failed"
    local tag
    for tag in "${podman_missing[@]}"; do
      [ "$(qualified "$tag")" = "$tag" ] || podman tag "localhost/$tag" "$(qualified "$tag")" || die "podman tag $tag failed"
    done
  }
  [ ${#podman_missing[@]} -eq 0 ] || step "copy ${podman_missing[*]} to podman" copy_to_podman
fi

# ---------------------------------------------------------------- summary
summary=()
if $want_images; then
  for tag in "${ALL_IMAGES[@]}"; do
    size=$($DOCKER image inspect --format '{{.Size}}' "$tag" 2>/dev/null) || die "image $tag is missing after setup"
    summary+=("$tag $((size / 1000000))MB")
  done
fi
version=$($DOCKER version --format '{{.Server.Version}}' 2>/dev/null || echo '?')
driver=$($DOCKER info --format '{{.Driver}}' 2>/dev/null || echo '?')
join() { local out=$1; shift; for x in "$@"; do out+=", $x"; done; echo "$out"; }
built_text=
[ ${#built[@]} -gt 0 ] && built_text="built $(join "${built[@]}"); "
echo "engine-setup: docker $version ($driver); ${built_text}images: $(if [ ${#summary[@]} -gt 0 ]; then join "${summary[@]}"; else echo none; fi); $(elapsed "$T0") s"
