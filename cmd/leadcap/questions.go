package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

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
    details field. When the answers went to another field before, the leads
    that answered it are synced again and that field is emptied in the CRM.
leadcap event questions remove [--event ID|NAME] QUESTION-ID
    removes a question and its answers; the CRM loses them at the next sync.
leadcap event questions answer LEAD-ID QUESTION-ID=ANSWER...
    records answers on a lead (yes/no, one of the choices, a number or text;
    an empty answer removes it). They go to the CRM with the lead.`

func newEventQuestionsCmd(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:     "questions list|add|remove|answer|map ...",
		Short:   "the event's own qualification questions, and a lead's answers to them",
		Long:    strings.TrimPrefix(questionsHelp, "\n"),
		Example: "  leadcap event questions add --kind choice --choice small --choice large \"Fleet size?\"\n  leadcap event questions answer 01932c5e q1=large",
	}, "missing subcommand: questions list, add, remove, answer or map", "unknown subcommand questions %q: use list, add, remove, answer or map")
	cmd.AddCommand(newQuestionsListCmd(c), newQuestionsAddCmd(c), newQuestionsRemoveCmd(c), newQuestionsAnswerCmd(c), newQuestionsMapCmd(c))
	return cmd
}

// questionsListOptions are the flags of "leadcap event questions list".
type questionsListOptions struct {
	event string
	json  bool
}

func newQuestionsListCmd(c *cli) *cobra.Command {
	o := &questionsListOptions{}
	cmd := &cobra.Command{
		Use:     "list [--event ID|NAME] [--json]",
		Short:   "list the event's own qualification questions (default: the active event)",
		Example: "  leadcap event questions list\n  leadcap event questions list --event \"Hannover Messe 2026\" --json",
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, args []string) error { return runQuestionsList(c, o) },
	}
	cmd.Flags().StringVar(&o.event, "event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	cmd.Flags().BoolVar(&o.json, "json", false, "one JSON object per line")
	completeEventFlag(c, cmd)
	return cmd
}

func runQuestionsList(c *cli, o *questionsListOptions) error {
	return c.withStoreRO(func(s *storage.Store) error {
		ev, err := targetEvent(s, o.event)
		if err != nil {
			return err
		}
		if o.json {
			enc := json.NewEncoder(c.stdout)
			for _, q := range ev.Questions {
				if err := enc.Encode(q); err != nil {
					return err
				}
			}
			return nil
		}
		t := newTable(c.stdout)
		for _, q := range ev.Questions {
			kind := string(q.Kind)
			if len(q.Choices) > 0 {
				kind += " (" + strings.Join(q.Choices, " / ") + ")"
			}
			if q.CRMField != "" {
				t.row(q.ID, kind, q.Text, "-> "+q.CRMField)
			} else {
				t.row(q.ID, kind, q.Text)
			}
		}
		return t.flush()
	})
}

// questionsAddOptions are the arguments and flags of "leadcap event questions add".
type questionsAddOptions struct {
	event    string
	question lead.Question
	kind     string
}

func newQuestionsAddCmd(c *cli) *cobra.Command {
	o := &questionsAddOptions{}
	cmd := &cobra.Command{
		Use:   "add [--event ID|NAME] [--id ID] [--kind yesno|choice|number|text] [--choice ANSWER]... [--crm-field FIELD] TEXT",
		Short: "add a question the review form and 'leadcap event questions answer' ask; print its ID",
		Long:  "A choice question needs two or more --choice. The words after the flags are the question.",
		Example: `  leadcap event questions add --kind yesno "Existing customer?"
  leadcap event questions add --id fleet --kind choice --choice "1-10" --choice "11-100" --choice "more" "Fleet size?"`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.question.Text = strings.Join(args, " ")
			return runQuestionsAdd(c, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.event, "event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	f.StringVar(&o.question.ID, "id", "", "the question's `ID` (default: q1, q2 ...)")
	f.StringVar(&o.kind, "kind", "text", "how it is answered: `yesno|choice|number|text`")
	f.StringArrayVar(&o.question.Choices, "choice", nil, "an `ANSWER` of a choice question (repeat it)")
	f.StringVar(&o.question.CRMField, "crm-field", "", "the HubSpot property or Salesforce field `FIELD` that receives the answers (default: the details field)")
	completeEventFlag(c, cmd)
	cmd.RegisterFlagCompletionFunc("kind", fixedCompletions("yesno", "choice", "number", "text"))
	return cmd
}

func runQuestionsAdd(c *cli, o *questionsAddOptions) error {
	q := o.question
	q.Kind = lead.QuestionKind(o.kind)
	return c.withStore(func(s *storage.Store) error {
		ev, err := targetEvent(s, o.event)
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

// questionsRemoveOptions are the arguments and flags of "leadcap event questions remove".
type questionsRemoveOptions struct{ event, id string }

func newQuestionsRemoveCmd(c *cli) *cobra.Command {
	o := &questionsRemoveOptions{}
	cmd := &cobra.Command{
		Use:     "remove [--event ID|NAME] QUESTION-ID",
		Short:   "remove a question and its answers (the CRM loses them at the next sync)",
		Example: "  leadcap event questions remove q2",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			return runQuestionsRemove(c, o)
		},
	}
	cmd.Flags().StringVar(&o.event, "event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	completeEventFlag(c, cmd)
	return cmd
}

func runQuestionsRemove(c *cli, o *questionsRemoveOptions) error {
	return c.withStore(func(s *storage.Store) error {
		ev, err := targetEvent(s, o.event)
		if err != nil {
			return err
		}
		if err := workflow.RemoveQuestion(s, ev.ID, o.id); errors.Is(err, workflow.ErrNoQuestion) {
			return failf("%v.", err)
		} else if err != nil {
			return fail("could not remove the question", err)
		}
		return nil
	})
}

// questionsAnswerOptions are the arguments of "leadcap event questions answer".
type questionsAnswerOptions struct {
	id      string
	answers []string // QUESTION-ID=ANSWER
}

func newQuestionsAnswerCmd(c *cli) *cobra.Command {
	o := &questionsAnswerOptions{}
	return &cobra.Command{
		Use:   "answer LEAD-ID QUESTION-ID=ANSWER...",
		Short: "record answers on a lead; print the lead's answers as JSON",
		Long: `Answers are yes/no, one of the choices, a number or text; an empty answer
removes it. They go to the CRM with the lead.`,
		Example: "  leadcap event questions answer 01932c5e q1=yes fleet=11-100",
		Args:    minArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id, o.answers = args[0], args[1:]
			return runQuestionsAnswer(c, o)
		},
		ValidArgsFunction: completeLeadID(c, 1),
	}
}

func runQuestionsAnswer(c *cli, o *questionsAnswerOptions) error {
	answers := map[string]string{}
	for _, a := range o.answers {
		id, v, ok := strings.Cut(a, "=")
		if !ok {
			return usagef("%q is not QUESTION-ID=ANSWER", a)
		}
		answers[strings.TrimSpace(id)] = v
	}
	return c.withStore(func(s *storage.Store) error {
		l, err := findLead(s, o.id)
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

// questionsMapOptions are the arguments and flags of "leadcap event questions map".
type questionsMapOptions struct{ event, id, field string }

func newQuestionsMapCmd(c *cli) *cobra.Command {
	o := &questionsMapOptions{}
	cmd := &cobra.Command{
		Use:   "map [--event ID|NAME] QUESTION-ID FIELD",
		Short: "send a question's answers to a HubSpot contact property or Salesforce Lead field",
		Long: `FIELD is the property's internal name or the field's API name; an empty
FIELD ("") puts the answers back into the details field.`,
		Example: "  leadcap event questions map fleet fleet_size__c\n  leadcap event questions map fleet \"\"",
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id, o.field = args[0], args[1]
			return runQuestionsMap(c, o)
		},
	}
	cmd.Flags().StringVar(&o.event, "event", "", "the event's `ID`, ID prefix or name (default: the active event)")
	completeEventFlag(c, cmd)
	return cmd
}

func runQuestionsMap(c *cli, o *questionsMapOptions) error {
	return c.withStore(func(s *storage.Store) error {
		ev, err := targetEvent(s, o.event)
		if err != nil {
			return err
		}
		_, err = workflow.MapQuestion(s, ev.ID, o.id, o.field)
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
