package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/project"
)

// settings are settle's own settings, read with viper: flags override
// SETTLE_* environment variables, which override settle.yaml in the
// working directory (or the file named by --config), which override
// defaults. Each value knows where it came from, so that a bad one is
// reported as the flag, the variable or the file's line that gave it.
// Users' scenario and rule files are not read through viper.
type settings struct {
	*viper.Viper
	cmd  *cobra.Command
	file string              // the configuration file read, if any
	keys map[string]diag.Pos // the position of each of its values
}

// config reads the settings of cmd. A key in the file that is no flag
// of any command is an error, with the nearest one as a suggestion.
func config(cmd *cobra.Command) (*settings, error) {
	v := viper.New()
	v.SetEnvPrefix("SETTLE")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_")) // SETTLE_EXACT_LIMIT for --exact-limit
	v.AutomaticEnv()
	if err := v.BindPFlags(cmd.Flags()); err != nil {
		return nil, err
	}
	s := &settings{Viper: v, cmd: cmd}
	file, _ := cmd.Flags().GetString("config")
	if file == "" {
		// Only settle.yaml or settle.yml: viper's own search would also
		// take a file named plain "settle", such as the built command.
		for _, name := range []string{"settle.yaml", "settle.yml"} {
			if _, err := os.Stat(name); err == nil {
				file = name
				break
			}
		}
	}
	if file == "" {
		return s, nil
	}
	// Only a regular file of a sensible size: a FIFO would block, a
	// device never end.
	if fi, err := os.Stat(file); err == nil && (!fi.Mode().IsRegular() || fi.Size() > project.DefaultMaxScenario) {
		what := project.Describe(fi.Mode()) + ", not a regular file"
		if fi.Mode().IsRegular() {
			what = "larger than " + project.FormatSize(project.DefaultMaxScenario)
		}
		return nil, fmt.Errorf("configuration %s: it is %s", file, what)
	}
	if err := checkConfigKeys(file); err != nil {
		return nil, err
	}
	s.file = file
	v.SetConfigFile(file)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("configuration %s: %w", file, err)
	}
	if err := s.checkKeys(); err != nil {
		return nil, err
	}
	return s, nil
}

// checkKeys reads the positions of the configuration file's keys and
// reports every key that is not a setting.
func (s *settings) checkKeys() error {
	data, err := os.ReadFile(s.file)
	if err != nil {
		return fmt.Errorf("configuration %s: %w", s.file, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil // viper has read it; an empty file is no error
	}
	top := doc.Content[0]
	at := func(n *yaml.Node) diag.Pos { return diag.Pos{File: s.file, Line: n.Line, Col: n.Column} }
	if top.Kind != yaml.MappingNode {
		var l diag.List
		l.Errorf(at(top), "write one setting a line, as in trials: 50k", "the configuration must be a mapping of settings")
		return l.Err()
	}
	known := settingNames(s.cmd.Root())
	s.keys = map[string]diag.Pos{}
	var l diag.List
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, val := top.Content[i], top.Content[i+1]
		key := strings.ToLower(k.Value)
		if !slices.Contains(known, key) {
			l.Errorf(at(k), diag.OneOf(key, known, "settings"), "unknown setting %q", k.Value)
			continue
		}
		s.keys[key] = at(val)
	}
	return l.Err()
}

// settingNames are the names of every flag of every command but --help
// and --config: what settle.yaml and SETTLE_* variables may set.
func settingNames(root *cobra.Command) []string {
	var names []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name != "help" && f.Name != "config" && !slices.Contains(names, f.Name) {
				names = append(names, f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	sort.Strings(names)
	return names
}

// source names where the value of key came from, as a message should
// cite it: "--trials", "SETTLE_TRIALS" or "settle.yaml:2:9: trials".
func (s *settings) source(key string) string {
	if f := s.cmd.Flags().Lookup(key); f != nil && f.Changed {
		return "--" + key
	}
	env := "SETTLE_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
	if os.Getenv(env) != "" { // viper ignores a variable set empty
		return env
	}
	if pos, ok := s.keys[key]; ok {
		return pos.String() + ": " + key
	}
	return "--" + key
}

// blame rewrites err, a message about the flag --key, to name where
// key's value came from instead.
func (s *settings) blame(key string, err error) error {
	if err == nil {
		return nil
	}
	src := s.source(key)
	flag := "--" + key
	if msg := err.Error(); src == flag || !strings.HasPrefix(msg, flag+" ") && !strings.HasPrefix(msg, flag+":") {
		return err
	}
	return errors.New(src + strings.TrimPrefix(err.Error(), flag))
}

// Bool is the setting key as true or false; a value that is neither is
// an error naming its source.
func (s *settings) Bool(key string) (bool, error) {
	v := strings.TrimSpace(s.GetString(key))
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s %q: want true or false", s.source(key), s.GetString(key))
	}
	return b, nil
}

// Int is the setting key as a whole number.
func (s *settings) Int(key string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s.GetString(key)))
	if err != nil {
		return 0, fmt.Errorf("%s %q: want a whole number", s.source(key), s.GetString(key))
	}
	return n, nil
}
