# Sourced by .ci/run and every stage in .ci/stages/. Environment set by .ci/run:
#   CI_WORK    scratch folder of this run (removed at the end); stages pass files to later stages here
#   CI_COUNTS  file of test counts; a stage that runs tests appends ONE line per test run:
#                 counts <passed> <failed> <skipped> <label>
#              .ci/run adds them all to its final "N passed, N failed, N skipped" line
#   NF_TOOLCHAIN  absolute path of the nanoFramework toolchain (../shared/nanoframework), empty when absent
# A stage fails CI by exiting non-zero (a build error, a missing count line); a stage that cannot run here
# prints one "skipped: ..." line saying what it needs and exits 0.

# counts <passed> <failed> <skipped> <label...>
counts() {
  echo "counts $1 $2 $3 ${*:4}" >> "$CI_COUNTS"
}

# Exits the stage with a skip line when the nanoFramework toolchain is not beside the clone.
need_toolchain() {
  if [ -z "${NF_TOOLCHAIN:-}" ]; then
    echo "skipped: $1 needs the nanoFramework toolchain in ../shared/nanoframework (packages/, msbuild/, mdp/, clr/; see README, 'Device build')"
    exit 0
  fi
}
