// fetch prints the status of an HTTPS URL: it needs CA certificates at run time.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
)

func main() {
	url := flag.String("url", "https://example.com", "URL to fetch")
	flag.Parse()
	response, err := http.Get(*url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer response.Body.Close()
	fmt.Println(response.Status)
}
