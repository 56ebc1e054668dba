package main

import (
	"io"
	"strings"
	"text/tabwriter"
)

// table is the one printer of aligned tables: a tabwriter with two spaces
// between columns, every cell made safe for a terminal (sanitize).
type table struct{ tw *tabwriter.Writer }

// newTable starts a table with a header row; no header when it is empty.
func newTable(w io.Writer, header ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	if len(header) > 0 {
		t.row(header...)
	}
	return t
}

// row adds a row.
func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = sanitize(c)
	}
	io.WriteString(t.tw, strings.Join(cells, "\t")+"\n")
}

// flush writes the table.
func (t *table) flush() error { return t.tw.Flush() }
