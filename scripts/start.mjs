// `npm start` will serve the portal on http://localhost:8080 once the portal lands (issues #4-#6).
// Until then it says so and points at what already works, and exits 0.
console.log(`BabyHelm: the portal is not built yet; it arrives with the portal issues.

What works today:
  npx babyhelm validate -f stacks/project/examples/shop.yaml
  npx babyhelm render -f stacks/project/examples/shop.yaml
  npm test
`);
