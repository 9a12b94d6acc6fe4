// hello prints one line and exits.
package main

import "fmt"

func main() {
	fmt.Println("hello from the slim e2e")
}
