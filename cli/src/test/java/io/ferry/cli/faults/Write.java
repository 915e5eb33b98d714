package io.ferry.cli.faults;

/**
 * One acknowledged change of one key, as etcd reported it: the revision from the response header,
 * and what the key held afterwards. Values are kept as length and CRC-32 (byte-exact comparison is
 * between etcd and SQL, which both keep the bytes), so a long run's history stays small.
 */
record Write(long revision, boolean deleted, int valueLength, int valueCrc, long createRevision, long version, long lease) {

    static Write delete(long revision) {
        return new Write(revision, true, 0, 0, 0, 0, 0);
    }
}
