export default function Index() {
  return <h1>Maitre</h1>
}
