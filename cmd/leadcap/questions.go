package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// questionsHelp is the help of 'leadcap event questions', part of 'leadcap
// help event'.
const questionsHelp = `
leadcap event questions list [--event ID|NAME] [--json]
    lists the event's own qualification questions (default: the active event).
leadcap event questions add [--event ID|NAME] [--id ID] [--kind yesno|choice|number|text]
                            [--choice ANSWER]... [--crm-field FIELD] TEXT
    adds a question the review form and 'leadcap event questions answer' ask;
    a choice question needs two or more --choice. Prints the question's ID.
leadcap event questions map [--event ID|NAME] QUESTION-ID FIELD
    sends the answers to the HubSpot contact property or Salesforce Lead field
    FIELD (internal / API name); an empty FIELD ("") puts them back into the
    details field.
leadcap event questions remove [--event ID|NAME] QUESTION-ID
    removes a question; answers already given stay with the leads.
leadcap event questions answer LEAD-ID QUESTION-ID=ANSWER...
    records answers on a lead (yes/no, one of the choices, a number or text;
    an empty answer removes it). They go to the CRM with the lead.`

func runEventQuestions(c *cli, args []string) error {
	if len(args) == 0 {
		return usagef("missing subcommand: questions list, add, remove or answer")
	}
	switch args[0] {
	case "list":
		return runQuestionsList(c, args[1:])
	case "add":
		return runQuestionsAdd(c, args[1:])
	case "remove":
		return runQuestionsRemove(c, args[1:])
	case "answer":
		return runQuestionsAnswer(c, args[1:])
	case "map":
		return runQuestionsMap(c, args[1:])
	}
	return usagef("unknown subcommand questions %q: use list, add, remove, answer or map", args[0])
}

func runQuestionsList(c *cli, args []string) error {
	fs := c.newFlags()
	event := fs.String("event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.withStoreRO(func(s *storage.Store) error {
		ev, err := targetEvent(s, *event)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(c.stdout)
			for _, q := range ev.Questions {
				if err := enc.Encode(q); err != nil {
					return err
				}
			}
			return nil
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		for _, q := range ev.Questions {
			kind := string(q.Kind)
			if len(q.Choices) > 0 {
				kind += " (" + strings.Join(q.Choices, " / ") + ")"
			}
			line := sanitize(q.ID) + "\t" + sanitize(kind) + "\t" + sanitize(q.Text)
			if q.CRMField != "" {
				line += "\t-> " + sanitize(q.CRMField)
			}
			fmt.Fprintln(tw, line)
		}
		tw.Flush()
		return nil
	})
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func runQuestionsAdd(c *cli, args []string) error {
	fs := c.newFlags()
	event := fs.String("event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	var q lead.Question
	var choices listFlag
	fs.StringVar(&q.ID, "id", "", "the question's `ID` (default: q1, q2 ...)")
	kind := fs.String("kind", "text", "how it is answered: `yesno|choice|number|text`")
	fs.Var(&choices, "choice", "an `ANSWER` of a choice question (repeat it)")
	fs.StringVar(&q.CRMField, "crm-field", "", "the HubSpot property or Salesforce field `FIELD` that receives the answers (default: the details field)")
	pos, err := c.parse(fs, args, 1, -1)
	if err != nil {
		return err
	}
	q.Text, q.Kind, q.Choices = strings.Join(pos, " "), lead.QuestionKind(*kind), choices
	return c.withStore(func(s *storage.Store) error {
		ev, err := targetEvent(s, *event)
		if err != nil {
			return err
		}
		saved, err := workflow.AddQuestion(s, ev.ID, q)
		if errors.Is(err, workflow.ErrQuestionExists) {
			return failf("%v.", err)
		}
		if err != nil {
			return fail("could not add the question", err)
		}
		fmt.Fprintln(c.stdout, saved.ID)
		return nil
	})
}

func runQuestionsRemove(c *cli, args []string) error {
	fs := c.newFlags()
	event := fs.String("event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	return c.withStore(func(s *storage.Store) error {
		ev, err := targetEvent(s, *event)
		if err != nil {
			return err
		}
		if err := workflow.RemoveQuestion(s, ev.ID, pos[0]); errors.Is(err, workflow.ErrNoQuestion) {
			return failf("%v.", err)
		} else if err != nil {
			return fail("could not remove the question", err)
		}
		return nil
	})
}

func runQuestionsAnswer(c *cli, args []string) error {
	fs := c.newFlags()
	pos, err := c.parse(fs, args, 2, -1)
	if err != nil {
		return err
	}
	answers := map[string]string{}
	for _, a := range pos[1:] {
		id, v, ok := strings.Cut(a, "=")
		if !ok {
			return usagef("%q is not QUESTION-ID=ANSWER", a)
		}
		answers[strings.TrimSpace(id)] = v
	}
	return c.withStore(func(s *storage.Store) error {
		l, err := findLead(s, pos[0])
		if err != nil {
			return err
		}
		saved, err := workflow.AnswerQuestions(s, l.ID, answers)
		if errors.Is(err, workflow.ErrNoQuestion) {
			return failf("%v.", err)
		}
		if err != nil {
			return fail("could not record the answers", err)
		}
		enc := json.NewEncoder(c.stdout)
		return enc.Encode(saved.Qualification.Answers)
	})
}

func runQuestionsMap(c *cli, args []string) error {
	fs := c.newFlags()
	event := fs.String("event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	pos, err := c.parse(fs, args, 2, 2)
	if err != nil {
		return err
	}
	return c.withStore(func(s *storage.Store) error {
		ev, err := targetEvent(s, *event)
		if err != nil {
			return err
		}
		_, err = workflow.MapQuestion(s, ev.ID, pos[0], pos[1])
		var fe *lead.FieldError
		if errors.Is(err, workflow.ErrNoQuestion) || errors.Is(err, workflow.ErrFieldTaken) || errors.As(err, &fe) {
			return failf("%v.", err)
		}
		if err != nil {
			return fail("could not map the question", err)
		}
		return nil
	})
}
