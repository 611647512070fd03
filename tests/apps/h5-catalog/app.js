// The markup comes from a Handlebars template compiled in the page (Handlebars turns it into
// a function with `new Function`: the manifest's csp allows 'unsafe-eval'). Favourites
// persist in localStorage.
const KEY = "favourites";
const products = [
  { id: "tea", name: "Green tea", price: 28 },
  { id: "cup", name: "Tea cup", price: 45 },
  { id: "pot", name: "Clay teapot", price: 168 },
];
const template = Handlebars.compile(document.getElementById("product-template").textContent);
const favourites = () => new Set(JSON.parse(localStorage.getItem(KEY) || "[]"));

function render() {
  const chosen = favourites();
  document.getElementById("products").innerHTML = template({
    products: products.map((product) => ({ ...product, favourite: chosen.has(product.id) })),
  });
  document.getElementById("favourites").textContent = [...chosen].sort().join(",");
}

document.getElementById("products").addEventListener("click", (event) => {
  const toggle = event.target.closest(".favourite-toggle");
  if (!toggle) return;
  const chosen = favourites();
  const id = toggle.dataset.id;
  if (chosen.has(id)) chosen.delete(id);
  else chosen.add(id);
  localStorage.setItem(KEY, JSON.stringify([...chosen]));
  render();
});

render();
