package app

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/google/uuid"

	"leadcap/capture"
	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// What Capture does after a review: "Saved · Qualify · Undo", Discard and
// its Undo, and keeping a code that is not a contact as a note.

// onReviewSaved follows a save on the review form: the lead is shown as
// saved, with today's count, Qualify and Undo.
func (s *captureScreen) onReviewSaved(rev workflow.Review) {
	st, ev, staff, now := s.ui.st, s.ev, s.ui.opts.Staff, s.ui.opts.Now()
	s.ui.background(func() func() {
		n, _ := workflow.CapturedToday(st, ev.ID, staff, now)
		return func() { s.showSaved(rev, n, "") }
	})
}

// showSaved says a scan is saved; its sync stays held while Undo is on
// offer.
func (s *captureScreen) showSaved(rev workflow.Review, today int, prev string) {
	s.ui.leadSaved(rev.Lead)
	s.showIdle()
	name := map[string]any{"Name": contactName(rev.Lead.Contact)}
	text := lang.L("Saved {{.Name}}.", name)
	if !rev.Created() {
		text = lang.L("Updated {{.Name}}, who was already a lead.", name)
	}
	args := map[string]any{"Count": thousands(today), "Event": s.ev.Name, "Staff": s.ui.opts.Staff}
	count := lang.N("{{.Count}} leads today at {{.Event}} by {{.Staff}}.", today, args)
	if s.ui.opts.Staff == "" {
		count = lang.N("{{.Count}} leads today at {{.Event}}.", today, args)
	}
	s.offerUndo(&lastScan{rev: rev})
	s.qualifyID = rev.Lead.ID
	s.home.showResult(text+" "+count, true, true)
	s.showStatus(joinText(prev, lang.L("Ready for the next scan.")), false)
}

// offerUndo puts last on offer for Undo, for undoWindow.
func (s *captureScreen) offerUndo(last *lastScan) {
	s.last = last
	if s.undoTimer != nil {
		s.undoTimer.Stop()
	}
	s.undoTimer = time.AfterFunc(undoWindow, func() {
		s.ui.opts.do(func() {
			if s.last != last || s.closed {
				return
			}
			id := s.endUndo()
			s.home.showResult(s.home.resultText.Text, !last.discarded, false)
			if id != uuid.Nil {
				st := s.ui.st
				s.ui.background(func() func() { _ = workflow.Finish(st, id); return nil })
			}
		})
	})
}

// endUndo withdraws the Undo offer and returns the lead whose sync it
// held, for the caller to release (uuid.Nil when none).
func (s *captureScreen) endUndo() uuid.UUID {
	if s.undoTimer != nil {
		s.undoTimer.Stop()
	}
	last := s.last
	s.last = nil
	s.home.hideResult()
	if last == nil || last.discarded {
		return uuid.Nil
	}
	return last.rev.Lead.ID
}

// onQualifyTapped opens the lead just saved on the Leads tab.
func (s *captureScreen) onQualifyTapped() {
	id := s.qualifyID
	if held := s.endUndo(); held != uuid.Nil {
		st := s.ui.st
		s.ui.background(func() func() { _ = workflow.Finish(st, held); return nil })
	}
	s.ui.openLead(id)
}

// onDiscardTapped takes the scan under review back (Undo brings it back);
// a lead typed in or a note on offer is simply dropped.
func (s *captureScreen) onDiscardTapped() {
	if s.rev.rev == nil {
		s.showIdle()
		s.showStatus(lang.L("Discarded. Ready to scan."), false)
		return
	}
	rev := *s.rev.rev
	s.rev.close()
	s.discard(rev)
}

// discard takes a stored scan back in the background and offers Undo.
func (s *captureScreen) discard(rev workflow.Review) {
	st := s.ui.st
	s.ui.background(func() func() {
		was, err := workflow.Discard(st, rev)
		return func() {
			s.showIdle()
			if err != nil {
				s.showStatus(userMessage(err), true)
				return
			}
			s.ui.leadSaved(was)
			s.offerUndo(&lastScan{rev: rev, was: was, discarded: true})
			text := lang.L("Discarded {{.Name}}.", map[string]any{"Name": contactName(was.Contact)})
			if !rev.Created() {
				text = lang.L("Took the scan out of {{.Name}} again.", map[string]any{"Name": contactName(was.Contact)})
			}
			s.home.showResult(text, false, true)
			s.showStatus(lang.L("Ready to scan."), false)
		}
	})
}

// onUndoTapped undoes the last save (the scan is taken back) or the last
// Discard (the scan is stored again).
func (s *captureScreen) onUndoTapped() {
	last := s.last
	if last == nil {
		return
	}
	if !last.discarded {
		s.endUndo() // Discard ends the hold itself
		s.discard(last.rev)
		return
	}
	s.endUndo()
	st := s.ui.st
	s.ui.background(func() func() {
		err := workflow.Restore(st, last.rev, last.was)
		return func() {
			if err != nil {
				s.showStatus(userMessage(err), true)
				return
			}
			s.ui.leadSaved(last.was)
			s.qualifyID = last.was.ID
			s.home.showResult(lang.L("Restored {{.Name}}.", map[string]any{"Name": contactName(last.was.Contact)}), true, false)
		}
	})
}

// contactName names a person in a message: the name, else the email.
func contactName(c lead.Contact) string {
	if n := c.Name(); n != "" {
		return n
	}
	return first(c.Emails)
}

// showNoteOffer offers to keep a code that holds no contact as a note.
func (s *captureScreen) showNoteOffer(nc *capture.NotAContactError, prev string) {
	s.rev.close()
	s.idle.Hide()
	s.note.offer(nc)
	if prev != "" {
		s.showStatus(prev, false)
	}
}

// onAttachPicked saves the code as a note on the picked lead.
func (s *captureScreen) onAttachPicked(sum storage.Summary, text string) {
	author, now := s.ui.opts.Staff, s.ui.opts.Now()
	st := s.ui.st
	s.ui.background(func() func() {
		l, err := st.UpdateLead(sum.ID, func(l *lead.Lead) error {
			_, err := l.AddNote(text, author, now, time.Time{})
			return err
		})
		return func() {
			if err != nil {
				s.showStatus(userMessage(err), true)
				return
			}
			s.showIdle()
			s.showStatus(lang.L("Saved the code as a note on {{.Name}}.", map[string]any{"Name": pickedName(sum)}), false)
			s.ui.leadSaved(l)
		}
	})
}

// onNoteNewTapped starts a new lead, typed in, that will carry the code as
// a note: only because the user asked for it.
func (s *captureScreen) onNoteNewTapped(text string) { s.typeIn(text) }
