package partition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
)

func withID(c *Command, id string) *Command {
	c.ID = []byte(id)
	return c
}

// sameResult fails t unless got is want, the error included.
func sameResult(t *testing.T, what string, got, want Result) {
	t.Helper()
	if errText(got.Err) != errText(want.Err) || errors.Is(got.Err, ErrConditionFailed) != errors.Is(want.Err, ErrConditionFailed) {
		t.Errorf("%s: Err = %v, want %v", what, got.Err, want.Err)
	}
	got.Err, want.Err = nil, nil
	if diff := cmp.Diff(want, got, cmp.Comparer(value.Equal), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func errText(e error) string {
	if e == nil {
		return ""
	}
	return e.Error()
}

func counter(t *testing.T, sm *StateMachine, pk string) value.Value {
	t.Helper()
	it, err := sm.Get(1, pos(t, pk))
	if err != nil {
		t.Fatalf("Get(%q): %v", pk, err)
	}
	return it["n"]
}

func TestDedupAppliesARequestOnce(t *testing.T) {
	sm, _ := newSM(t)
	a := &applier{t: t, sm: sm}
	cmd := withID(addCounter(t, 1, "c"), "request-1")
	first := a.apply(cmd)[0]
	a.apply(put(t, 1, "other", nil))
	second := a.apply(cmd)[0]
	if got := counter(t, sm, "c"); !value.Equal(got, num(1)) {
		t.Errorf("counter after a retried ADD = %v, want 1", got)
	}
	sameResult(t, "retry result", second, first)
	if second.Skipped {
		t.Errorf("retry result Skipped, want the recorded result")
	}

	// Another ID is another request.
	a.apply(withID(addCounter(t, 1, "c"), "request-2"))
	if got := counter(t, sm, "c"); !value.Equal(got, num(2)) {
		t.Errorf("counter after a second request = %v, want 2", got)
	}
	// Commands without an ID are never deduplicated.
	a.apply(addCounter(t, 1, "c"), addCounter(t, 1, "c"))
	if got := counter(t, sm, "c"); !value.Equal(got, num(4)) {
		t.Errorf("counter after two commands without ID = %v, want 4", got)
	}
	if sm.AppliedIndex() != 6 {
		t.Errorf("AppliedIndex = %d, want 6", sm.AppliedIndex())
	}
}

func TestDedupWithinOneBatch(t *testing.T) {
	sm, _ := newSM(t)
	a := &applier{t: t, sm: sm}
	cmd := withID(addCounter(t, 1, "c"), "request-1")
	res := a.apply(cmd, cmd, cmd)
	if got := counter(t, sm, "c"); !value.Equal(got, num(1)) {
		t.Errorf("counter = %v, want 1", got)
	}
	sameResult(t, "second copy", res[1], res[0])
	sameResult(t, "third copy", res[2], res[0])
}

// TestDedupConditionalRetry guards against a retried conditional write
// reporting ErrConditionFailed because its own first application made the
// condition false, and checks that a failure is answered as recorded too.
func TestDedupConditionalRetry(t *testing.T) {
	sm, _ := newSM(t)
	a := &applier{t: t, sm: sm}
	notExists := expr.Func{Name: "attribute_not_exists", Args: []expr.Operand{expr.PathOperand{Path: pathOf("pk")}}}
	c := withID(put(t, 1, "a", value.Item{"v": num(1)}), "create-a")
	c.Condition = notExists
	first := a.apply(c)[0]
	if first.Err != nil {
		t.Fatalf("first conditional put: %v", first.Err)
	}
	retry := a.apply(c)[0]
	if retry.Err != nil {
		t.Fatalf("retried conditional put err = %v, want the first result (success)", retry.Err)
	}
	sameResult(t, "retried conditional put", retry, first)

	// A different request with the same condition fails, with the item.
	other := withID(put(t, 1, "a", value.Item{"v": num(2)}), "create-a-again")
	other.Condition = notExists
	failed := a.apply(other)[0]
	if !errors.Is(failed.Err, ErrConditionFailed) || !value.Equal(failed.Old["v"], num(1)) {
		t.Fatalf("other conditional put = %+v, want ErrConditionFailed with Old v=1", failed)
	}
	// Its retry is answered as recorded even though the item is gone and
	// the condition would now hold.
	a.apply(&Command{Op: OpDelete, Table: 1, Key: pos(t, "a")})
	again := a.apply(other)[0]
	sameResult(t, "retried failed put", again, failed)
	if got, _ := sm.Get(1, pos(t, "a")); got != nil {
		t.Errorf("retried failed put wrote %v", got)
	}
}

func TestDedupValidationErrorIsRecorded(t *testing.T) {
	sm, _ := newSM(t)
	a := &applier{t: t, sm: sm}
	a.apply(put(t, 1, "s", value.Item{"n": value.S("text")}))
	c := withID(addCounter(t, 1, "s"), "bad-add")
	first := a.apply(c)[0]
	var verr *value.ValidationError
	if !errors.As(first.Err, &verr) {
		t.Fatalf("ADD to a string = %v, want a validation error", first.Err)
	}
	a.apply(put(t, 1, "s", value.Item{"n": num(5)}))
	sameResult(t, "retried invalid ADD", a.apply(c)[0], first)
	if got := counter(t, sm, "s"); !value.Equal(got, num(5)) {
		t.Errorf("n = %v, want 5 (the retry is not evaluated)", got)
	}
}

// hlc returns the HLC timestamp of ms milliseconds and logical counter l.
func hlc(ms, l uint64) uint64 { return ms<<hlcLogicalBits | l }

const retentionMS = uint64(DedupRetention / 1e6)

func TestDedupExpiry(t *testing.T) {
	sm, db := newSM(t)
	base := uint64(1_700_000_000_000)
	var index uint64
	apply := func(ms uint64, c *Command) Result {
		t.Helper()
		index++
		res, err := sm.Apply([]Entry{{Index: index, Time: hlc(ms, 0), Command: c.Encode(nil)}})
		if err != nil {
			t.Fatal(err)
		}
		return res[0]
	}
	apply(base, withID(addCounter(t, 1, "c"), "old"))
	apply(base+1000, withID(addCounter(t, 1, "c"), "newer"))
	if n := countDedupKeys(t, db, 1); n != 4 {
		t.Fatalf("dedup keys = %d, want 4 (two records, two index keys)", n)
	}
	// Exactly the retention later, "old" is still remembered.
	apply(base+retentionMS, withID(addCounter(t, 1, "c"), "old"))
	if got := counter(t, sm, "c"); !value.Equal(got, num(2)) {
		t.Fatalf("counter = %v, want 2 (the retry within the retention is deduplicated)", got)
	}
	// One millisecond more and the next entry forgets it, but not "newer".
	apply(base+retentionMS+1, put(t, 1, "x", nil))
	if n := countDedupKeys(t, db, 1); n != 2 {
		t.Fatalf("dedup keys after expiry = %d, want 2", n)
	}
	apply(base+retentionMS+2, withID(addCounter(t, 1, "c"), "newer"))
	apply(base+retentionMS+3, withID(addCounter(t, 1, "c"), "old"))
	if got := counter(t, sm, "c"); !value.Equal(got, num(3)) {
		t.Errorf("counter = %v, want 3 (an expired ID applies again, a live one does not)", got)
	}
}

// countDedupKeys counts group's dedup records and expiry index keys.
func countDedupKeys(t *testing.T, db *badger.DB, group uint64) int {
	t.Helper()
	n := 0
	for _, p := range [][]byte{dedupKey(group, nil), expiryPrefix(group)} {
		ks, err := collectKeys(db, p, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		n += len(ks)
	}
	return n
}

// dumpDB returns every key and value of db.
func dumpDB(t *testing.T, db *badger.DB) [][2][]byte {
	t.Helper()
	var out [][2][]byte
	err := db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			out = append(out, [2][]byte{it.Item().KeyCopy(nil), v})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDedupExpiryIsDeterministic feeds the same log to state machines that
// batch it differently (one entry per Apply, large batches, a committer,
// restarts that drop the in-memory expiry queue) and checks that their DBs
// are identical at every checkpoint: expiry depends only on the log. It
// guards in particular against a refill of the queue in the middle of an
// entry's expiry picking the keys just popped again (that replica then
// deleted fewer keys than one whose refill fell elsewhere).
func TestDedupExpiryIsDeterministic(t *testing.T) {
	base := uint64(1_700_000_000_000)
	var log []Entry
	add := func(ms uint64, c *Command) {
		log = append(log, Entry{Index: uint64(len(log) + 1), Time: hlc(ms, uint64(len(log))), Command: c.Encode(nil)})
	}
	// A backlog larger than the in-memory queue, recorded within a second
	// with stamps out of order (concurrent proposals), with some retries
	// among them.
	for i := range 2*expiryQueueSize + 40 {
		ms := base + uint64(i*7919%1000)
		add(ms, withID(addCounter(t, 1, fmt.Sprintf("c%d", i%7)), fmt.Sprintf("r%d", i)))
		if i%10 == 9 {
			add(ms, withID(addCounter(t, 1, fmt.Sprintf("c%d", i%7)), fmt.Sprintf("r%d", i-5)))
		}
	}
	// Then, past the retention, entries that expire the backlog a few at a
	// time, interleaved with new IDs and commands without one.
	for i := range 400 {
		ms := base + retentionMS + 2000 + uint64(i)
		switch i % 3 {
		case 0:
			add(ms, withID(addCounter(t, 1, "late"), fmt.Sprintf("late%d", i)))
		case 1:
			add(ms, put(t, 2, fmt.Sprintf("p%d", i), nil))
		default:
			c := put(t, 2, fmt.Sprintf("p%d", i-1), nil)
			c.Condition = expr.Func{Name: "attribute_not_exists", Args: []expr.Operand{expr.PathOperand{Path: pathOf("pk")}}}
			add(ms, withID(c, fmt.Sprintf("cond%d", i)))
		}
	}
	checkpoints := []int{100, 2 * expiryQueueSize, len(log) - 300, len(log) - 150, len(log)}

	type replica struct {
		name  string
		batch int // entries per Apply
		dir   string
		db    *badger.DB
		sm    *StateMachine
		c     *Committer
		next  int
	}
	open := func(r *replica) {
		r.db = openDB(t, r.dir)
		sm, err := NewStateMachine(r.db, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.c != nil {
			r.c = NewCommitter(r.db)
			sm.SetCommitter(r.c)
		}
		r.sm = sm
	}
	closeReplica := func(r *replica) {
		if r.c != nil {
			r.c.Close()
		}
		if err := r.db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	replicas := []*replica{
		{name: "one entry per apply", batch: 1},
		{name: "batches of 37", batch: 37},
		{name: "committer, batches of 5", batch: 5, c: &Committer{}},
		{name: "restarts at every checkpoint", batch: 64},
	}
	for _, r := range replicas {
		r.dir = t.TempDir()
		open(r)
	}
	for ci, upto := range checkpoints {
		var ref [][2][]byte
		for ri, r := range replicas {
			for r.next < upto {
				end := min(r.next+r.batch, upto)
				if _, err := r.sm.Apply(log[r.next:end]); err != nil {
					t.Fatalf("%s: Apply: %v", r.name, err)
				}
				r.next = end
			}
			dump := dumpDB(t, r.db)
			if ri == 0 {
				ref = dump
			} else if diff := cmp.Diff(ref, dump); diff != "" {

				t.Fatalf("checkpoint %d (index %d): %s differs from %s (-want +got):\n%s", ci, upto, r.name, replicas[0].name, diff)
			}
			if ri == 3 {
				closeReplica(r)
				open(r)
			}
		}
	}
	for _, r := range replicas {
		closeReplica(r)
	}
	// The backlog is gone by the end: at most the late IDs remain.
	db := openDB(t, replicas[0].dir)
	defer db.Close()
	if n, max := countDedupKeys(t, db, 1), 2*2*400/3+2; n > max {
		t.Errorf("%d dedup keys at the end, want at most %d (the backlog expired)", n, max)
	}
}

func TestDedupSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	sm, err := NewStateMachine(db, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	cmd := withID(addCounter(t, 1, "c"), "request-1")
	first, err := sm.Apply([]Entry{{Index: 1, Time: 10, Command: cmd.Encode(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDB(t, dir)
	defer db.Close()
	sm, err = NewStateMachine(db, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := sm.Apply([]Entry{{Index: 2, Time: 20, Command: cmd.Encode(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, "retry after restart", second[0], first[0])
	if got := counter(t, sm, "c"); !value.Equal(got, num(1)) {
		t.Errorf("counter = %v, want 1", got)
	}
	// Reload (as after a snapshot restore) keeps it too.
	if err := sm.Reload(); err != nil {
		t.Fatal(err)
	}
	third, err := sm.Apply([]Entry{{Index: 3, Time: 30, Command: cmd.Encode(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, "retry after Reload", third[0], first[0])
}

// TestDedupOwnRecordIsNotADuplicate guards against an entry being answered
// with its own record after a crash: the record may commit ahead of the
// entry's index (a large entry), and the replay must evaluate the entry.
func TestDedupOwnRecordIsNotADuplicate(t *testing.T) {
	sm, db := newSM(t)
	cmd := withID(addCounter(t, 1, "c"), "request-1")
	e := Entry{Index: 1, Time: 10, Command: cmd.Encode(nil)}
	// What a crash between the record's commit and the entry's leaves.
	b := newBatch(db)
	res := Result{New: value.Item{"pk": value.S("c"), "n": num(1)}}
	if err := sm.record(b, e, cmd.ID, &res); err != nil {
		t.Fatal(err)
	}
	if err := b.commit(); err != nil {
		t.Fatal(err)
	}
	b.discard()
	if sm.AppliedIndex() != 0 {
		t.Fatalf("AppliedIndex after the record alone = %d, want 0", sm.AppliedIndex())
	}
	if err := sm.Reload(); err != nil {
		t.Fatal(err)
	}
	got, err := sm.Apply([]Entry{e})
	if err != nil {
		t.Fatal(err)
	}
	if c := counter(t, sm, "c"); !value.Equal(c, num(1)) {
		t.Errorf("counter after the replay = %v, want 1 (the entry applied)", c)
	}
	if n := countDedupKeys(t, db, 1); n != 2 {
		t.Errorf("dedup keys = %d, want 2", n)
	}
	// The record is now the replay's own result.
	retry, err := sm.Apply([]Entry{{Index: 2, Time: 20, Command: e.Command}})
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, "retry of the replayed entry", retry[0], got[0])
}

// TestDedupLargeItems applies overwrites of large items with IDs, whose
// item and recorded result (old and new item) together exceed one Badger
// transaction of the test DB: the record commits ahead of its entry.
func TestDedupLargeItems(t *testing.T) {
	sm, db := newSM(t)
	blob := func(b byte) value.Item { return value.Item{"blob": value.B(bytes.Repeat([]byte{b}, 400<<10))} }
	var entries []Entry
	for i := range 6 {
		c := withID(put(t, 1, fmt.Sprintf("k%d", i%2), blob(byte(i))), fmt.Sprintf("big%d", i))
		entries = append(entries, Entry{Index: uint64(i + 1), Time: uint64(i + 1), Command: c.Encode(nil)})
	}
	// Each entry writes about 1.2 MB; the test DB's transactions hold less.
	if 3*400<<10 < db.MaxBatchSize()*3/4 {
		t.Fatalf("test needs entries larger than 3/4 of Badger's %d-byte batch", db.MaxBatchSize())
	}
	res, err := sm.Apply(entries)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	again, err := sm.Apply([]Entry{{Index: 7, Time: 7, Command: entries[4].Command}})
	if err != nil {
		t.Fatalf("Apply retry: %v", err)
	}
	sameResult(t, "retried large put", again[0], res[4])
	if count, _, _ := sm.TableStats(1); count != 2 {
		t.Errorf("TableStats count = %d, want 2", count)
	}
	got, err := sm.Get(1, pos(t, "k0"))
	if err != nil || !value.Equal(got["blob"], blob(4)["blob"]) {
		t.Errorf("k0 is not the last write (err %v)", err)
	}
}

func TestDropTableKeepsDedup(t *testing.T) {
	sm, db := newSM(t)
	a := &applier{t: t, sm: sm}
	c := withID(put(t, 3, "a", nil), "put-a")
	first := a.apply(c)[0]
	if err := DropTable(context.Background(), db, 3); err != nil {
		t.Fatal(err)
	}
	if n := countDedupKeys(t, db, 1); n != 2 {
		t.Errorf("dedup keys after DropTable = %d, want 2", n)
	}
	sameResult(t, "retry after the drop", a.apply(c)[0], first)
	if err := DropTable(context.Background(), db, 0); err == nil {
		t.Errorf("DropTable(0) = nil, want an error (the system keyspace)")
	}
}

func TestSystemKeyGroup(t *testing.T) {
	id := []byte("0123456789abcdef")
	cases := []struct {
		name      string
		key       []byte
		wantGroup uint64
		wantOK    bool
	}{
		{"applied index", appliedKey(7), 7, true},
		{"statistics", statsKey(3, 7), 7, true},
		{"dedup record", dedupKey(7, id), 7, true},
		{"expiry index", expiryKey(7, 99, id), 7, true},
		{"dedup record without id", dedupKey(7, nil), 0, false},
		{"expiry index without id", expiryKey(7, 99, nil), 0, false},
		{"dedup record, id too long", dedupKey(7, make([]byte, MaxCommandIDSize+1)), 0, false},
		{"catalog", append(keys.TablePrefix(0), 0x10, 'a'), 0, false},
		{"data key", keys.DataKey(1, []byte("pos")), 0, false},
		{"table 0 alone", keys.TablePrefix(0), 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, ok := SystemKeyGroup(tc.key)
			if g != tc.wantGroup || ok != tc.wantOK {
				t.Errorf("SystemKeyGroup(%x) = %d, %v; want %d, %v", tc.key, g, ok, tc.wantGroup, tc.wantOK)
			}
		})
	}
}

func TestSeekSystemKey(t *testing.T) {
	id := []byte("0123456789abcdef")
	kind := func(b byte) []byte { return append(keys.TablePrefix(0), b) }
	cases := []struct {
		name string
		key  []byte
		want []byte
	}{
		{"an earlier group's applied index", appliedKey(3), appliedKey(7)},
		{"a later group's applied index", appliedKey(9), kind(sysStats)},
		{"an earlier group's record", dedupKey(3, id), dedupKey(7, nil)},
		{"a later group's record", dedupKey(9, id), kind(sysDedupExpiry)},
		{"an earlier group's expiry key", expiryKey(3, 1, id), expiryPrefix(7)},
		{"a later group's expiry key", expiryKey(9, 1, id), kind(sysDedupExpiry + 1)},
		{"statistics", statsKey(1, 3), nil},
		{"catalog", append(kind(0x10), 'a'), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := SeekSystemKey(tc.key, 7)
			if !bytes.Equal(got, tc.want) {
				t.Errorf("SeekSystemKey(%x, 7) = %x, want %x", tc.key, got, tc.want)
			}
			if got != nil && bytes.Compare(got, tc.key) <= 0 {
				t.Errorf("SeekSystemKey(%x, 7) = %x, not after the key", tc.key, got)
			}
		})
	}
}
