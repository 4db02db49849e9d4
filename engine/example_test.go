package engine_test

import (
	"context"
	"fmt"
	"log"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/money"
)

// Load a scenario with an input replaced, as settle run --set does, run
// it, and read each party's reservation value and the settlement range:
// the example of docs/library.md.
func ExampleRun() {
	p, err := engine.Load("../scenarios/one-step.yaml", engine.Setting{Name: "claim", Value: "£600m"})
	if err != nil {
		log.Fatal(err)
	}
	res, err := engine.Run(context.Background(), p, engine.Options{Trials: 20_000, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	for _, out := range res.Outputs[:2] {
		fmt.Printf("%s: mean %s\n", out.Var.Name, money.Format(out.Summary.Mean))
	}
	for _, pr := range res.Parties {
		fmt.Printf("%s: reservation %s\n", pr.Name, money.Format(pr.Reservation.Value))
	}
	fmt.Printf("settlement range: %s to %s\n", money.Format(res.Range.Low), money.Format(res.Range.High))
	// Output:
	// supplier_net: mean £7.9m
	// buyer_cost: mean £30.1m
	// supplier: reservation £94.4m
	// buyer: reservation £157.5m
	// settlement range: £94.4m to £157.5m
}
