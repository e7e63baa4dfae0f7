/// The report page's inline stylesheet and script: no network, no external assets.
enum ReportAssets {
    static let css = """
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#1d1d1f;background:#fff}
    h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:20px 0 8px}h3{font-size:15px;margin:0 0 4px}
    .sources{color:#555;margin:0}
    .verdict{border-radius:8px;padding:8px 16px;margin:12px 0}.verdict.pass{background:#e8f5e9;border:1px solid #81c784}.verdict.fail{background:#fdecea;border:1px solid #e57373}
    .verdict h2{margin:6px 0}.check{font-size:15px}
    table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e3e3e3;vertical-align:top}
    th[data-sort]{cursor:pointer;user-select:none}th[data-sort]:after{content:" ↕";color:#aaa}
    td.bad,.badge.bad{color:#b71c1c;font-weight:600}td.good,.badge.good{color:#2e7d32}
    .badge{font-size:12px;border:1px solid currentColor;border-radius:10px;padding:0 6px;margin-left:6px}
    .controls{display:flex;gap:14px;align-items:center;margin-bottom:8px}#filter{padding:4px 8px;min-width:220px}#shown{color:#666}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(580px,1fr));gap:12px}
    .card{border:1px solid #e3e3e3;border-radius:8px;padding:10px 12px}.detail{color:#555;margin:0 0 6px}
    .chart .grid{stroke:#eee}.chart .axis{font-size:11px;fill:#555}
    .note,footer{color:#666;font-size:12px}footer{margin-top:24px;border-top:1px solid #eee;padding-top:8px}
    """

    static let script = """
    (function(){
      var table=document.getElementById('columns');if(!table)return;
      var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
      var filter=document.getElementById('filter'),drifted=document.getElementById('drifted-only'),issues=document.getElementById('issues-only'),shown=document.getElementById('shown');
      function apply(){
        var text=filter.value.toLowerCase(),visible=0;
        rows.forEach(function(row){
          var show=row.cells[0].textContent.toLowerCase().indexOf(text)>=0&&(!drifted.checked||row.dataset.drifted==='true')&&(!issues.checked||row.dataset.issues==='true');
          row.style.display=show?'':'none';if(show)visible++;
        });
        shown.textContent=visible+' of '+rows.length+' columns';
      }
      var direction={};
      Array.prototype.forEach.call(table.tHead.rows[0].cells,function(cell,index){
        if(!cell.dataset.sort)return;
        cell.addEventListener('click',function(){
          var ascending=direction[index]=!direction[index];
          rows.sort(function(a,b){
            var x=a.cells[index],y=b.cells[index],r;
            if(cell.dataset.sort==='number'){r=parseFloat(x.dataset.value)-parseFloat(y.dataset.value);}else{r=x.textContent.localeCompare(y.textContent);}
            return ascending?r:-r;
          });
          rows.forEach(function(row){body.appendChild(row);});
        });
      });
      filter.addEventListener('input',apply);drifted.addEventListener('change',apply);issues.addEventListener('change',apply);apply();
    })();
    """
}
