/// The dashboard's stylesheet and script, served by the binary at `/assets/dashboard.css` and
/// `/assets/dashboard.js`: no CDN, no build step, nothing inline (the Content-Security-Policy allows none).
public enum DashboardAssets {
    /// Colours from Okabe and Ito's palette; state is always written beside its colour.
    public static let css = """
        :root{--bad:#b42318;--warn:#8a5a00;--good:#1b6e3c;--line:#e3e3e3;--muted:#5c5c5c;--focus:#0072B2}
        *{box-sizing:border-box}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d1d1f;background:#fff}
        a{color:#0058a3}a:focus-visible,[tabindex]:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,th[data-sort]:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
        .skip{position:absolute;left:-999px;top:0}.skip:focus{left:8px;background:#fff;padding:4px 8px;z-index:2}
        header.top{display:flex;flex-wrap:wrap;gap:10px 18px;align-items:center;padding:10px 20px;border-bottom:1px solid var(--line);background:#fafafa}
        .brand{font-weight:700;font-size:17px;color:#1d1d1f;text-decoration:none}
        nav a{margin-right:4px;padding:3px 8px;border-radius:6px;text-decoration:none}
        nav a[aria-current]{background:#1d1d1f;color:#fff}
        .range{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;margin-left:auto}
        .range form{display:flex;flex-wrap:wrap;gap:6px;align-items:center}.range input,.range select{font:inherit;padding:2px 4px}
        main{max-width:1400px;margin:0 auto;padding:12px 20px 24px}
        h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:22px 0 8px}h3{font-size:15px;margin:0 0 4px}
        .lead{color:var(--muted);margin:0 0 10px}.sub{display:block;color:var(--muted);font-size:12px}
        .crumbs{color:var(--muted)}.crumbs a{padding:0}
        .versions,.tabs{display:flex;flex-wrap:wrap;gap:4px;align-items:center;margin:8px 0}.versions span{color:var(--muted);margin-right:4px}
        .tabs{border-bottom:1px solid var(--line)}.tabs a{border-radius:6px 6px 0 0;padding:6px 12px}
        .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:12px 0}
        .tile{border:1px solid var(--line);border-radius:8px;padding:8px 10px;margin:0}.tile dt{color:var(--muted);font-size:12px}.tile dd{margin:2px 0 0;font-size:17px;font-weight:600}
        .tile.bad{border-color:var(--bad)}.tile.bad dd{color:var(--bad)}.tile.warn dd{color:var(--warn)}.tile.good dd{color:var(--good)}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,560px),1fr));gap:12px}
        .chart-card{border:1px solid var(--line);border-radius:8px;padding:8px 10px;margin:0}
        figcaption{font-weight:600}.readout{color:var(--muted);font-size:12px;margin:4px 0 0;min-height:1.4em}
        svg.chart{width:100%;height:auto;max-width:100%}
        svg.intervals{max-width:860px}.intervals .zero{stroke:#555;stroke-width:1}.intervals .tolerance{stroke:#b42318;stroke-dasharray:4 3}.intervals .interval{stroke:#0072B2;stroke-width:2}
        .intervals .estimate{fill:#0072B2}.intervals .label,.intervals .value{font-size:12px;fill:#222}.intervals .worse .interval,.intervals .broken .interval{stroke:#b42318}
        .intervals .worse .estimate,.intervals .broken .estimate{fill:#b42318}.intervals .better .interval,.intervals .clear .interval{stroke:#1b6e3c}.intervals .better .estimate,.intervals .clear .estimate{fill:#1b6e3c}
        .comparison{border:1px solid var(--line);border-radius:8px;padding:4px 12px;margin:10px 0}.comparison h3 .badge{font-size:13px}.reasons{margin:4px 0;padding-left:18px}
        .chart .grid{stroke:#eee}.chart .axis{font-size:11px;fill:#555}.chart .line{fill:none;stroke-width:2}.chart .band{opacity:.16}
        .chart .threshold{stroke:#b42318;stroke-dasharray:5 4;stroke-width:1.2}.chart .threshold-label{fill:#b42318}
        .chart .shade{fill:#f2e6c9;opacity:.55}.chart .slot{fill:transparent}.chart .slot.active{fill:rgba(0,0,0,.06)}
        .chart .point.crossed{stroke-width:2}.chart .empty{font-size:13px;fill:#777}
        table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
        tbody th{font-weight:600}th[data-sort]{cursor:pointer;user-select:none;white-space:nowrap}th[data-sort]:after{content:" ↕";color:#aaa}
        th[aria-sort=ascending]:after{content:" ↑";color:#1d1d1f}th[aria-sort=descending]:after{content:" ↓";color:#1d1d1f}
        td.bad{color:var(--bad);font-weight:600}td.good{color:var(--good)}
        .badge{display:inline-block;font-size:12px;border:1px solid currentColor;border-radius:10px;padding:0 6px;margin-left:4px}
        .badge.bad{color:var(--bad)}.badge.warn{color:var(--warn)}.badge.good{color:var(--good)}
        .scroll{overflow-x:auto}.controls{display:flex;gap:14px;align-items:center;margin:6px 0}.shown{color:var(--muted)}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,560px),1fr));gap:12px}
        .card{border:1px solid var(--line);border-radius:8px;padding:10px 12px}.detail{color:var(--muted);margin:0 0 6px}
        .drift-grid{width:auto}.drift-grid th,.drift-grid td{padding:2px 4px;border:1px solid #fff;font-size:12px}.drift-grid th.time{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:400;color:var(--muted)}
        .cell{text-align:center;min-width:22px}.cell.drift{background:#D55E00;color:#fff;font-weight:700}.cell.ok{background:#cde7f5;color:#0b3c5d}.cell.none{background:#f3f3f3}
        .legend .cell{display:inline-block;width:22px;margin:0 2px 0 10px}
        .confusion{width:auto}.confusion td{text-align:right}.confusion td.diagonal{font-weight:700;background:#eef6fb}
        .alerts-banner{border:1px solid var(--bad);border-radius:8px;padding:6px 12px;margin:8px 0}.alerts-banner h2{margin:4px 0;font-size:15px}.alerts-banner ul{margin:4px 0;padding-left:18px}
        tr.highlight{background:#fff6d6}details.act{margin-top:4px}details.act summary{cursor:pointer;color:#0058a3}details.act form{display:flex;flex-wrap:wrap;gap:6px;margin-top:4px}#hook-runs pre{max-width:480px;white-space:pre-wrap;font-size:12px}
        .problem{color:var(--bad);font-weight:600}.empty-state{border:1px dashed #bbb;border-radius:8px;padding:14px;color:#333}
        svg.budget{width:100%;max-width:400px;height:18px}
        footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding:8px 20px}
        code{font-size:12px;background:#f4f4f4;padding:0 3px;border-radius:3px}
        @media (max-width:700px){header.top{padding:8px 10px}.range{margin-left:0}main{padding:8px 10px}.tiles{grid-template-columns:repeat(2,1fr)}}
        @media (prefers-reduced-motion:reduce){*{transition:none!important}}
        """

    /// The tab's icon: an eye, in the palette's blue.
    public static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M2 16C6 8 11 5 16 5s10 3 14 11c-4 8-9 11-14 11S6 24 2 16z" fill="#0072B2"/><circle cx="16" cy="16" r="6" fill="#fff"/><circle cx="16" cy="16" r="3" fill="#1d1d1f"/></svg>
        """

    /// Sorting and filtering of tables, chart read-outs on hover and with the arrow keys, controls that apply
    /// at once, and the automatic refresh the URL asks for.
    public static let script = """
        (function(){
          'use strict';
          var each=function(list,f){Array.prototype.forEach.call(list,f);};
          each(document.querySelectorAll('table.sortable'),function(table){
            var body=table.tBodies[0];if(!body)return;
            each(table.tHead.rows[0].cells,function(cell,index){
              if(!cell.dataset.sort)return;
              var sort=function(){
                var ascending=cell.getAttribute('aria-sort')!=='ascending';
                each(table.tHead.rows[0].cells,function(other){other.removeAttribute('aria-sort');});
                cell.setAttribute('aria-sort',ascending?'ascending':'descending');
                var rows=Array.prototype.slice.call(body.rows);
                rows.sort(function(a,b){
                  var x=a.cells[index],y=b.cells[index];if(!x||!y)return 0;
                  var r=cell.dataset.sort==='number'?parseFloat(x.dataset.value)-parseFloat(y.dataset.value):x.textContent.localeCompare(y.textContent);
                  return ascending?r:-r;
                });
                rows.forEach(function(row){body.appendChild(row);});
              };
              cell.addEventListener('click',sort);
              cell.addEventListener('keydown',function(event){if(event.key==='Enter'||event.key===' '){event.preventDefault();sort();}});
            });
          });
          each(document.querySelectorAll('input[data-filter]'),function(input){
            var table=document.getElementById(input.dataset.filter);if(!table||!table.tBodies[0])return;
            var shown=document.querySelector('[data-shown="'+input.dataset.filter+'"]');
            var apply=function(){
              var text=input.value.toLowerCase(),rows=table.tBodies[0].rows,visible=0;
              each(rows,function(row){var show=row.textContent.toLowerCase().indexOf(text)>=0;row.hidden=!show;if(show)visible++;});
              if(shown)shown.textContent=visible+' of '+rows.length+' shown';
            };
            input.addEventListener('input',apply);apply();
          });
          each(document.querySelectorAll('figure.chart-card'),function(figure){
            var svg=figure.querySelector('svg.timeseries'),readout=figure.querySelector('.readout');if(!svg||!readout)return;
            var slots=svg.querySelectorAll('.slot'),current=-1;
            var show=function(index){
              if(index<0||index>=slots.length)return;
              if(current>=0)slots[current].classList.remove('active');
              current=index;slots[index].classList.add('active');readout.textContent=slots[index].dataset.readout;
            };
            each(slots,function(slot,index){slot.addEventListener('mouseenter',function(){show(index);});});
            svg.addEventListener('keydown',function(event){
              if(event.key==='ArrowRight'){event.preventDefault();show(Math.min(slots.length-1,current+1));}
              else if(event.key==='ArrowLeft'){event.preventDefault();show(Math.max(0,current<0?slots.length-1:current-1));}
              else if(event.key==='End'){event.preventDefault();show(slots.length-1);}
              else if(event.key==='Home'){event.preventDefault();show(0);}
            });
            svg.addEventListener('focus',function(){if(current<0)show(slots.length-1);});
          });
          each(document.querySelectorAll('select[data-autosubmit]'),function(select){
            select.addEventListener('change',function(){
              var form=select.form;
              if(select.name==='refresh'&&form){
                var url=new URL(window.location.href);
                if(select.value==='0')url.searchParams.delete('refresh');else url.searchParams.set('refresh',select.value);
                window.location.assign(url.toString());
              }
            });
          });
          var refresh=parseInt(document.body.dataset.refresh||'0',10);
          if(refresh>0){window.setTimeout(function(){window.location.reload();},refresh*1000);}
        })();
        """
}
