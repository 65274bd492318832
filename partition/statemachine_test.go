package partition

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
)

func openDB(t *testing.T, dir string) *badger.DB {
	t.Helper()
	opts := badger.DefaultOptions(dir).WithLogger(nil).WithMemTableSize(8 << 20).
		WithNumMemtables(2).WithBlockCacheSize(1 << 20).WithIndexCacheSize(1 << 20)
	db, err := badger.Open(opts)
	if err != nil {
		t.Fatalf("open badger: %v", err)
	}
	return db
}

func newSM(t *testing.T) (*StateMachine, *badger.DB) {
	t.Helper()
	db := openDB(t, t.TempDir())
	t.Cleanup(func() { db.Close() })
	sm, err := NewStateMachine(db, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sm, db
}

func pos(t *testing.T, pk string) []byte {
	t.Helper()
	p, err := keys.Position(value.S(pk), nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func num(i int64) value.Value { return value.N(value.NumberFromInt(i)) }

// applier applies commands one entry at a time with increasing indexes.
type applier struct {
	t     *testing.T
	sm    *StateMachine
	index uint64
}

func (a *applier) apply(cmds ...*Command) []Result {
	a.t.Helper()
	entries := make([]Entry, len(cmds))
	for i, c := range cmds {
		a.index++
		entries[i] = Entry{Index: a.index, Time: a.index * 10, Command: c.Encode(nil)}
	}
	res, err := a.sm.Apply(entries)
	if err != nil {
		a.t.Fatalf("Apply: %v", err)
	}
	return res
}

func put(t *testing.T, table uint64, pk string, attrs value.Item) *Command {
	t.Helper()
	it := value.Item{"pk": value.S(pk)}
	for k, v := range attrs {
		it[k] = v
	}
	return &Command{Op: OpPut, Table: table, Key: pos(t, pk), KeyAttrs: value.Item{"pk": value.S(pk)}, Item: it}
}

func pathOf(name string) expr.Path { return expr.Path{{Name: name}} }

func addCounter(t *testing.T, table uint64, pk string) *Command {
	return &Command{
		Op: OpUpdate, Table: table, Key: pos(t, pk), KeyAttrs: value.Item{"pk": value.S(pk)},
		Update: &expr.Update{Add: []expr.AddAction{{Path: pathOf("n"), Value: expr.ValueOperand{Value: num(1)}}}},
	}
}

func TestApplyPutGetDelete(t *testing.T) {
	sm, _ := newSM(t)
	a := &applier{t: t, sm: sm}
	res := a.apply(put(t, 7, "a", value.Item{"v": num(1)}), put(t, 7, "b", nil))
	if res[0].Err != nil || res[0].Old != nil || res[0].New == nil {
		t.Fatalf("put result = %+v", res[0])
	}
	got, err := sm.Get(7, pos(t, "a"))
	if err != nil || !value.Equal(value.M(got), value.M(value.Item{"pk": value.S("a"), "v": num(1)})) {
		t.Fatalf("Get(a) = %v, %v", got, err)
	}
	if other, _ := sm.Get(8, pos(t, "a")); other != nil {
		t.Errorf("Get from another table = %v, want nil", other)
	}
	count, size, err := sm.TableStats(7)
	if err != nil || count != 2 || size <= 0 {
		t.Errorf("TableStats = %d, %d, %v; want 2 items", count, size, err)
	}
	res = a.apply(&Command{Op: OpDelete, Table: 7, Key: pos(t, "a")})
	if res[0].Old == nil || res[0].New != nil {
		t.Errorf("delete result = %+v, want Old set and New nil", res[0])
	}
	if got, _ := sm.Get(7, pos(t, "a")); got != nil {
		t.Errorf("Get after delete = %v, want nil", got)
	}
	if count, _, _ := sm.TableStats(7); count != 1 {
		t.Errorf("TableStats count after delete = %d, want 1", count)
	}
	if sm.AppliedIndex() != 3 {
		t.Errorf("AppliedIndex = %d, want 3", sm.AppliedIndex())
	}
}

func TestApplyCondition(t *testing.T) {
	sm, _ := newSM(t)
	a := &applier{t: t, sm: sm}
	notExists := expr.Func{Name: "attribute_not_exists", Args: []expr.Operand{expr.PathOperand{Path: pathOf("pk")}}}
	c := put(t, 1, "a", value.Item{"v": num(1)})
	c.Condition = notExists
	if res := a.apply(c); res[0].Err != nil {
		t.Fatalf("first conditional put: %v", res[0].Err)
	}
	c2 := put(t, 1, "a", value.Item{"v": num(2)})
	c2.Condition = notExists
	res := a.apply(c2)
	if !errors.Is(res[0].Err, ErrConditionFailed) {
		t.Fatalf("second conditional put err = %v, want ErrConditionFailed", res[0].Err)
	}
	if v := res[0].Old["v"]; !value.Equal(v, num(1)) {
		t.Errorf("failed condition Old[v] = %v, want 1", v)
	}
	if got, _ := sm.Get(1, pos(t, "a")); !value.Equal(got["v"], num(1)) {
		t.Errorf("item after failed condition = %v, want v=1", got)
	}
}

func TestApplyUpdateCreatesAndRemoveOnlyDoesNot(t *testing.T) {
	sm, _ := newSM(t)
	a := &applier{t: t, sm: sm}
	res := a.apply(addCounter(t, 1, "c"))
	want := value.Item{"pk": value.S("c"), "n": num(1)}
	if res[0].Err != nil || !value.Equal(value.M(res[0].New), value.M(want)) {
		t.Fatalf("update of absent item = %+v, want New %v", res[0], want)
	}
	rm := &Command{Op: OpUpdate, Table: 1, Key: pos(t, "x"), KeyAttrs: value.Item{"pk": value.S("x")},
		Update: &expr.Update{Remove: []expr.Path{pathOf("gone")}}}
	if res := a.apply(rm); res[0].Err != nil || res[0].New != nil {
		t.Fatalf("remove-only update of absent item = %+v, want nothing created", res[0])
	}
	if got, _ := sm.Get(1, pos(t, "x")); got != nil {
		t.Errorf("remove-only update created %v", got)
	}
}

// TestApplyReplayAfterRestart guards against double and lost applies: a
// counter incremented N times through restarts, with every entry replayed
// after each restart as hashicorp/raft replays its log, reads exactly N.
func TestApplyReplayAfterRestart(t *testing.T) {
	dir := t.TempDir()
	var log []Entry
	const n = 30
	for i := range n {
		log = append(log, Entry{Index: uint64(i + 1), Time: uint64(i + 1), Command: addCounter(t, 1, "ctr").Encode(nil)})
	}
	applied := 0
	for applied < n {
		db := openDB(t, dir)
		sm, err := NewStateMachine(db, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := sm.AppliedIndex(); got != uint64(applied) {
			t.Fatalf("after restart AppliedIndex = %d, want %d", got, applied)
		}
		// Replay the whole log so far plus 7 new entries.
		upto := min(applied+7, n)
		res, err := sm.Apply(log[:upto])
		if err != nil {
			t.Fatal(err)
		}
		for i := range upto {
			if wantSkip := i < applied; res[i].Skipped != wantSkip {
				t.Fatalf("entry %d Skipped = %v, want %v", i+1, res[i].Skipped, wantSkip)
			}
		}
		applied = upto
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	db := openDB(t, dir)
	defer db.Close()
	sm, err := NewStateMachine(db, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sm.Get(1, pos(t, "ctr"))
	if err != nil || !value.Equal(got["n"], num(n)) {
		t.Errorf("counter = %v, %v; want %d", got["n"], err, n)
	}
}

func TestApplyLargeBatchCommitsInChunks(t *testing.T) {
	sm, db := newSM(t)
	big := value.B(bytes.Repeat([]byte{1}, 300<<10))
	var entries []Entry
	for i := range 20 {
		c := put(t, 1, fmt.Sprintf("k%02d", i), value.Item{"blob": big})
		entries = append(entries, Entry{Index: uint64(i + 1), Command: c.Encode(nil)})
	}
	if int64(20*300<<10) < db.MaxBatchSize() {
		t.Fatalf("test needs a batch larger than Badger's %d-byte limit", db.MaxBatchSize())
	}
	res, err := sm.Apply(entries)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("entry %d: %v", i, r.Err)
		}
	}
	if count, _, _ := sm.TableStats(1); count != 20 {
		t.Errorf("TableStats count = %d, want 20", count)
	}
	if sm.AppliedIndex() != 20 {
		t.Errorf("AppliedIndex = %d, want 20", sm.AppliedIndex())
	}
}

func TestApplyCorruptCommandIsFatal(t *testing.T) {
	sm, _ := newSM(t)
	_, err := sm.Apply([]Entry{{Index: 1, Command: []byte{1, 99}}})
	if !errors.Is(err, ErrCorruptCommand) {
		t.Fatalf("Apply(corrupt) = %v, want ErrCorruptCommand", err)
	}
	if sm.AppliedIndex() != 0 {
		t.Errorf("AppliedIndex after corrupt entry = %d, want 0", sm.AppliedIndex())
	}
	// A command into table 0 would overwrite system keys (applied index,
	// catalog): it must be refused as corrupt, never applied.
	sys := &Command{Op: OpPut, Table: 0, Key: pos(t, "x"), Item: value.Item{"pk": value.S("x")}}
	if _, err := sm.Apply([]Entry{{Index: 1, Command: sys.Encode(nil)}}); !errors.Is(err, ErrCorruptCommand) {
		t.Errorf("Apply(table 0) = %v, want ErrCorruptCommand", err)
	}
}

func TestRangeAndDropTable(t *testing.T) {
	sm, db := newSM(t)
	a := &applier{t: t, sm: sm}
	for i := range 10 {
		pk := fmt.Sprintf("p%d", i)
		a.apply(put(t, 3, pk, nil), put(t, 4, pk, nil))
	}
	collect := func(start, end []byte, reverse bool) [][]byte {
		var out [][]byte
		err := sm.Range(3, start, end, reverse, func(p []byte, _ value.Item) (bool, error) {
			out = append(out, bytes.Clone(p))
			return true, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	fwd := collect(nil, nil, false)
	if len(fwd) != 10 {
		t.Fatalf("Range(all) returned %d items, want 10", len(fwd))
	}
	for i := 1; i < len(fwd); i++ {
		if bytes.Compare(fwd[i-1], fwd[i]) >= 0 {
			t.Fatalf("Range not ascending at %d", i)
		}
	}
	rev := collect(nil, nil, true)
	for i := range rev {
		if !bytes.Equal(rev[i], fwd[len(fwd)-1-i]) {
			t.Fatalf("reverse Range differs at %d", i)
		}
	}
	mid := collect(fwd[3], fwd[7], false)
	if len(mid) != 4 || !bytes.Equal(mid[0], fwd[3]) {
		t.Errorf("Range[3,7) = %d items starting %x, want 4 starting %x", len(mid), mid[0], fwd[3])
	}
	midRev := collect(fwd[3], fwd[7], true)
	if len(midRev) != 4 || !bytes.Equal(midRev[0], fwd[6]) {
		t.Errorf("reverse Range[3,7) = %d items, want 4 starting at the 7th", len(midRev))
	}

	if err := DropTable(context.Background(), db, 3); err != nil {
		t.Fatal(err)
	}
	if got := collect(nil, nil, false); len(got) != 0 {
		t.Errorf("after DropTable, Range returned %d items", len(got))
	}
	if count, _, _ := sm.TableStats(3); count != 0 {
		t.Errorf("after DropTable, TableStats count = %d", count)
	}
	if count, _, _ := sm.TableStats(4); count != 10 {
		t.Errorf("DropTable(3) touched table 4: count = %d, want 10", count)
	}
}

func TestCommandEncodingRoundTrip(t *testing.T) {
	c := &Command{
		Op: OpUpdate, Table: 42, Key: pos(t, "k"), KeyAttrs: value.Item{"pk": value.S("k")},
		Condition: expr.Func{Name: "attribute_exists", Args: []expr.Operand{expr.PathOperand{Path: pathOf("pk")}}},
		Update:    &expr.Update{Remove: []expr.Path{pathOf("x")}},
	}
	enc := c.Encode(nil)
	got, err := DecodeCommand(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Encode(nil), enc) {
		t.Errorf("re-encoding differs")
	}
	for i := range enc {
		if _, err := DecodeCommand(enc[:i]); !errors.Is(err, ErrCorruptCommand) {
			t.Errorf("DecodeCommand(truncated to %d) = %v, want ErrCorruptCommand", i, err)
		}
	}
}

// TestCommandEncodingVersions guards the log's compatibility: version 1
// commands (written before request IDs, and every command without one)
// keep decoding, and an ID travels in version 2.
func TestCommandEncodingVersions(t *testing.T) {
	v1 := &Command{Op: OpPut, Table: 7, Key: []byte("k"), KeyAttrs: value.Item{"pk": value.S("k")}, Item: value.Item{"pk": value.S("k"), "v": value.S("x")}}
	// Encoded by the version 1 encoder, before IDs existed.
	golden, err := hex.DecodeString("010107016b0102706b01016b010202706b01016b01760101780000")
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeCommand(golden)
	if err != nil {
		t.Fatalf("DecodeCommand(version 1) = %v", err)
	}
	if got.ID != nil || got.Table != 7 || !value.Equal(value.M(got.Item), value.M(v1.Item)) {
		t.Errorf("DecodeCommand(version 1) = %+v, want %+v", got, v1)
	}
	if enc := v1.Encode(nil); !bytes.Equal(enc, golden) {
		t.Errorf("a command without an ID encodes as %x, want the version 1 encoding %x", enc, golden)
	}

	v2 := *v1
	v2.ID = []byte("0123456789abcdef")
	enc := v2.Encode(nil)
	if enc[0] != 2 {
		t.Errorf("a command with an ID encodes as version %d, want 2", enc[0])
	}
	got, err = DecodeCommand(enc)
	if err != nil {
		t.Fatalf("DecodeCommand(version 2) = %v", err)
	}
	if !bytes.Equal(got.ID, v2.ID) || !bytes.Equal(got.Encode(nil), enc) {
		t.Errorf("DecodeCommand(version 2) ID = %q, want %q", got.ID, v2.ID)
	}

	for _, n := range []int{0, MaxCommandIDSize + 1} {
		// Hand-made: Encode writes no empty ID and callers keep IDs short.
		bad := append([]byte{2, byte(OpPut), byte(n)}, bytes.Repeat([]byte{'x'}, n)...)
		bad = append(bad, golden[2:]...)
		if _, err := DecodeCommand(bad); !errors.Is(err, ErrCorruptCommand) {
			t.Errorf("DecodeCommand(ID of %d bytes) = %v, want ErrCorruptCommand", n, err)
		}
	}
	ok := append([]byte{2, byte(OpPut), MaxCommandIDSize}, bytes.Repeat([]byte{'x'}, MaxCommandIDSize)...)
	if _, err := DecodeCommand(append(ok, golden[2:]...)); err != nil {
		t.Errorf("DecodeCommand(ID of %d bytes) = %v", MaxCommandIDSize, err)
	}
}

func FuzzDecodeCommand(f *testing.F) {
	f.Add((&Command{Op: OpPut, Table: 1, Key: []byte("k"), Item: value.Item{"a": value.S("b")}}).Encode(nil))
	f.Add((&Command{Op: OpDelete, Table: 2, Key: []byte("k")}).Encode(nil))
	f.Add((&Command{Op: OpDelete, Table: 2, Key: []byte("k"), ID: []byte("0123456789abcdef")}).Encode(nil))
	f.Add((&Command{
		Op: OpUpdate, Table: 3, Key: []byte("k"), KeyAttrs: value.Item{"pk": value.S("k")}, ID: []byte{0xff},
		Update: &expr.Update{Add: []expr.AddAction{{Path: pathOf("n"), Value: expr.ValueOperand{Value: num(1)}}}},
	}).Encode(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeCommand(b)
		if err != nil {
			return
		}
		again, err := DecodeCommand(c.Encode(nil))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if !bytes.Equal(again.ID, c.ID) {
			t.Fatalf("re-decoded ID %x, want %x", again.ID, c.ID)
		}
	})
}

// TestApplyVersionsIncreasePerItem guards against a later write of an item
// being stored with an older timestamp than the version it replaced when the
// leader's stamps reached the log out of order.
func TestApplyVersionsIncreasePerItem(t *testing.T) {
	sm, db := newSM(t)
	stamp := func() uint64 {
		t.Helper()
		var ts uint64
		err := db.View(func(txn *badger.Txn) error {
			it, err := txn.Get(keys.DataKey(1, pos(t, "v")))
			if err != nil {
				return err
			}
			raw, err := it.ValueCopy(nil)
			if err != nil {
				return err
			}
			ts, _, err = DecodeRecord(raw)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	c := put(t, 1, "v", nil).Encode(nil)
	if _, err := sm.Apply([]Entry{{Index: 1, Time: 1000, Command: c}}); err != nil {
		t.Fatal(err)
	}
	first := stamp()
	if _, err := sm.Apply([]Entry{{Index: 2, Time: 900, Command: c}}); err != nil {
		t.Fatal(err)
	}
	if second := stamp(); second <= first {
		t.Errorf("second version stamped %d, not after the first's %d", second, first)
	}
}
